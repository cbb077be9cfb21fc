#!/usr/bin/env bash
# System packages the test suite needs on a fresh Debian machine (idempotent), and the
# Python environment of the browser tests (.build/e2e-venv, pinned in Tests/e2e/requirements.txt).
set -euo pipefail
cd "$(dirname "$0")/.."
need=()
[ -e /usr/share/zoneinfo/America/New_York ] || need+=(tzdata)
command -v python3 >/dev/null || need+=(python3)
command -v tar >/dev/null || need+=(tar)
[ -e /usr/include/zlib.h ] || need+=(zlib1g-dev)
# Debian's headless browser and its WebDriver, for the end-to-end tests of the web UI.
command -v chromium >/dev/null || need+=(chromium)
command -v chromedriver >/dev/null || need+=(chromium-driver)
if command -v python3 >/dev/null && ! python3 -c 'import ensurepip, venv' 2>/dev/null; then need+=(python3-venv); fi
if [ ${#need[@]} -gt 0 ]; then
    SUDO=""
    [ "$(id -u)" -eq 0 ] || SUDO=sudo
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}"
fi

# Selenium and pytest from PyPI into a venv, rebuilt only when the pins change.
venv=.build/e2e-venv
stamp="$venv/.requirements"
if ! cmp -s Tests/e2e/requirements.txt "$stamp"; then
    rm -rf "$venv"
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet --disable-pip-version-check -r Tests/e2e/requirements.txt
    cp Tests/e2e/requirements.txt "$stamp"
fi
