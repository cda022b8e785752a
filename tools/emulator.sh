#!/usr/bin/env bash
# Usage: tools/emulator.sh start [PORT] [SEED_FILE]   (prints the emulator's base URL)
#        tools/emulator.sh stop PORT
# Runs the Prefect Cloud emulator in the background on 127.0.0.1 (a free port when PORT is
# empty), with the built-in demo seed when SEED_FILE is empty. The pid file and the log are
# .cache/emulator-PORT.{pid,log}. Python: $PYTHON, default .venv/bin/python.
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
        args+=(--seed "$(cd "$(dirname "$seed")" && pwd)/$(basename "$seed")")
    fi
    PYTHONPATH=$top/tests/emulator${PYTHONPATH:+:$PYTHONPATH} nohup "$python" "${args[@]}" </dev/null >"$log" 2>&1 &
    echo $! >"$pidfile"
    for _ in $(seq 1 300); do   # 30 s
        if ! kill -0 "$(cat "$pidfile")" 2>/dev/null; then
            echo "emulator.sh: the emulator exited at start-up; its log ($log):" >&2
            cat "$log" >&2
            rm -f "$pidfile"
            exit 1
        fi
        if "$python" -c 'import sys, urllib.request; urllib.request.urlopen(sys.argv[1], timeout=1)' \
               "$url/_emulator/requests" 2>/dev/null; then
            echo "$url"
            exit 0
        fi
        sleep 0.1
    done
    echo "emulator.sh: no answer from $url/_emulator/requests after 30 s; its log ($log):" >&2
    cat "$log" >&2
    "$0" stop "$port"
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
