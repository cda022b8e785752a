#!/usr/bin/env bash
# Usage: tools/find_python.sh MIN_MINOR MAX_MINOR
# Prints the path of a working Python 3 interpreter whose minor version lies in [MIN, MAX],
# preferring the newest. Looks at python3.N on PATH (only if it actually runs: pyenv shims
# may exist but fail), python3, then pyenv's and other common install locations.
set -euo pipefail

min=${1:?usage: find_python.sh MIN_MINOR MAX_MINOR}
max=${2:?usage: find_python.sh MIN_MINOR MAX_MINOR}

# Prints the interpreter's minor version, or fails if it does not run or is not Python 3.
minor_of() {
    "$1" -c 'import sys; assert sys.version_info[0] == 3; print(sys.version_info[1])' 2>/dev/null
}

pyenv_root=${PYENV_ROOT:-$HOME/.pyenv}
if command -v pyenv >/dev/null 2>&1; then
    pyenv_root=$(pyenv root 2>/dev/null || echo "$pyenv_root")
fi

for ((m = max; m >= min; m--)); do
    candidates=()
    if command -v "python3.$m" >/dev/null 2>&1; then
        candidates+=("$(command -v "python3.$m")")
    fi
    candidates+=(python3)
    for d in "$pyenv_root"/versions/3."$m".*/bin/python3 "$pyenv_root"/versions/3."$m"/bin/python3 \
             /usr/bin/python3."$m" /usr/local/bin/python3."$m" /opt/python3."$m"/bin/python3; do
        [ -x "$d" ] && candidates+=("$d")
    done
    for c in "${candidates[@]}"; do
        if [ "$(minor_of "$c" || true)" = "$m" ]; then
            # Resolve a bare name to a path so that callers can keep it.
            if [[ $c != */* ]]; then c=$(command -v "$c"); fi
            echo "$c"
            exit 0
        fi
    done
done

echo "find_python.sh: no working Python 3.$min to 3.$max found (tried PATH and $pyenv_root/versions)" >&2
exit 1
