#!/usr/bin/env python3
"""Run make steps side by side and print a table of what each cost.

    tools/run_steps.py [--jobs N] [--log-dir DIR] STEP [STEP ...]

Each step is ``make --no-print-directory STEP``, its output captured in ``LOG_DIR/STEP.log``. At most
``--jobs`` steps run at once (default: ``TEST_JOBS``, else the number of CPUs); they start in the
order given, so list the longest first. When a step ends its whole log is printed in one piece, so
the output of steps running together never interleaves. At the end comes a table with each step's
result, wall seconds and CPU seconds (user + system of the step and everything it waited for, from
``wait4``), and the exit status is 1 if any step failed.

Every step runs to its end whatever the others do: one failure should not hide the next.
"""

import argparse
import os
import subprocess
import sys
import time


def cpu_seconds(rusage):
    return rusage.ru_utime + rusage.ru_stime


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=int(os.environ.get("TEST_JOBS") or os.cpu_count() or 1))
    parser.add_argument("--log-dir", default=".cache/test-logs")
    parser.add_argument("steps", nargs="+")
    args = parser.parse_args(argv)
    os.makedirs(args.log_dir, exist_ok=True)

    pending = list(args.steps)
    running = {}  # pid -> (step, started, log file)
    done = []  # (step, passed, wall, cpu)
    started_all = time.monotonic()
    print("=== %d steps, at most %d at a time: %s" % (len(pending), args.jobs, " ".join(pending)), flush=True)
    while pending or running:
        while pending and len(running) < max(1, args.jobs):
            step = pending.pop(0)
            log = open(os.path.join(args.log_dir, step + ".log"), "wb")
            process = subprocess.Popen(
                ["make", "--no-print-directory", step], stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL
            )
            running[process.pid] = (step, time.monotonic(), log)
            print("=== make %s started" % step, flush=True)
        pid, status, rusage = os.wait4(-1, 0)
        if pid not in running:
            continue
        step, started, log = running.pop(pid)
        log.close()
        wall = time.monotonic() - started
        passed = os.waitstatus_to_exitcode(status) == 0
        done.append((step, passed, wall, cpu_seconds(rusage)))
        sys.stdout.flush()
        print("=== make %s: output" % step, flush=True)
        with open(log.name, "rb") as f:
            sys.stdout.buffer.write(f.read())
        print("=== make %s %s in %d s" % (step, "passed" if passed else "FAILED", wall), flush=True)

    total_wall = time.monotonic() - started_all
    width = max(len(step) for step, _p, _w, _c in done)
    print("=== summary (wall and CPU seconds of each step; %d at a time)" % args.jobs)
    print("%-*s  %-6s  %7s  %7s" % (width, "step", "result", "wall s", "CPU s"))
    for step in args.steps:
        for name, passed, wall, cpu in done:
            if name == step:
                print("%-*s  %-6s  %7.0f  %7.0f" % (width, name, "passed" if passed else "FAILED", wall, cpu))
    print("%-*s  %-6s  %7.0f  %7.0f" % (width, "total", "", total_wall, sum(c for _s, _p, _w, c in done)))
    failed = [step for step, passed, _w, _c in done if not passed]
    if failed:
        print("=== make test FAILED: %s" % " ".join(failed), file=sys.stderr)
        return 1
    print("=== make test passed in %d s" % total_wall)
    return 0


if __name__ == "__main__":
    sys.exit(main())
