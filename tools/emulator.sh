#!/usr/bin/env bash
# Usage: tools/emulator.sh start [PORT] [SEED_FILE]   (prints the emulator's base URL)
#        tools/emulator.sh stop PORT
# Runs the Prefect Cloud emulator in the background on 127.0.0.1 (a free port when PORT is
# empty), with the built-in demo seed when SEED_FILE is empty. The pid file and the log are
# .cache/emulator-PORT.{pid,log}. Python: $PYTHON, default .venv/bin/python. Start-up waits
# up to $EMULATOR_START_TIMEOUT seconds (default 30) for GET /_emulator/requests to answer.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
cmd=${1:?usage: emulator.sh start|stop PORT [SEED_FILE]}
port=${2:-}
seed=${3:-}
python=${PYTHON:-$top/.venv/bin/python}
state=$top/.cache
mkdir -p "$state"

case $cmd in
start)
    if [ -z "$port" ]; then
        port=$("$python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    fi
    pidfile=$state/emulator-$port.pid
    log=$state/emulator-$port.log
    url=http://127.0.0.1:$port
    args=(-m prefect_cloud_emulator --host 127.0.0.1 --port "$port")
    if [ -n "$seed" ]; then
        args+=(--seed "$(realpath -m "$seed")")
    fi
    PYTHONPATH=$top/tests/emulator${PYTHONPATH:+:$PYTHONPATH} nohup "$python" "${args[@]}" </dev/null >"$log" 2>&1 &
    echo $! >"$pidfile"
    # One Python process polls the hook until it answers, the emulator dies, or the time is up.
    if "$python" - "$url/_emulator/requests" "$(cat "$pidfile")" "${EMULATOR_START_TIMEOUT:-30}" <<'PY'
import os
import sys
import time
import urllib.request

url, pid, timeout = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
deadline = time.monotonic() + timeout
while time.monotonic() < deadline:
    try:
        os.kill(pid, 0)
        with open('/proc/%d/stat' % pid) as stat:  # a zombie (not reaped yet) has exited too
            if stat.read().rsplit(')', 1)[1].split()[0] == 'Z':
                raise OSError
    except FileNotFoundError:
        pass
    except OSError:
        sys.exit('the emulator exited at start-up')
    try:
        urllib.request.urlopen(url, timeout=1).read()
        sys.exit(0)
    except OSError:
        time.sleep(0.1)
sys.exit('no answer from %s after %g s' % (url, timeout))
PY
    then
        echo "$url"
        exit 0
    fi
    "$0" stop "$port"
    # A free port picked here can be taken by another process before the emulator binds it (make
    # test starts several emulators at once): pick another one.
    if [ -z "${2:-}" ] && grep -q 'address already in use' "$log" && [ "${EMULATOR_PORT_ATTEMPT:-1}" -lt 5 ]; then
        EMULATOR_PORT_ATTEMPT=$(( ${EMULATOR_PORT_ATTEMPT:-1} + 1 )) exec "$0" start "" "$seed"
    fi
    echo "emulator.sh: the emulator's log ($log):" >&2
    cat "$log" >&2
    exit 1
    ;;
stop)
    [ -n "$port" ] || { echo "usage: emulator.sh stop PORT" >&2; exit 2; }
    pidfile=$state/emulator-$port.pid
    [ -f "$pidfile" ] || exit 0
    pid=$(cat "$pidfile")
    if kill "$pid" 2>/dev/null; then
        for _ in $(seq 1 50); do
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.1
        done
        kill -9 "$pid" 2>/dev/null || true
    fi
    rm -f "$pidfile"
    ;;
*)
    echo "usage: emulator.sh start|stop PORT [SEED_FILE]" >&2
    exit 2
    ;;
esac
