#!/usr/bin/env bash
# Usage: tools/ensure_chromium.sh
# Makes sure Debian's headless-capable Chromium and its WebDriver (chromedriver) are installed, for the
# browser check of the access review page (make review-browser). Installs them with apt-get when either
# is missing (as root, or through sudo); reads the package lists first only when the install needs them.
set -euo pipefail

if command -v chromium >/dev/null && command -v chromedriver >/dev/null; then
    exit 0
fi
if [ "$(id -u)" -eq 0 ]; then
    apt=(apt-get)
elif command -v sudo >/dev/null; then
    apt=(sudo apt-get)
else
    echo "ensure_chromium.sh: chromium and chromium-driver are missing; install them (apt-get install chromium chromium-driver)" >&2
    exit 1
fi
echo "==> installing chromium and chromium-driver (apt-get)"
export DEBIAN_FRONTEND=noninteractive
# No fsync after each unpacked file: a third faster, and a throw-away test machine loses nothing by it.
install=(install -y -q -o Dpkg::Options::=--force-unsafe-io chromium chromium-driver)
if ! "${apt[@]}" "${install[@]}" >/dev/null; then
    "${apt[@]}" update -q >/dev/null
    "${apt[@]}" "${install[@]}" >/dev/null
fi
command -v chromium >/dev/null && command -v chromedriver >/dev/null
