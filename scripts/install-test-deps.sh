#!/usr/bin/env bash
# System packages the test suite needs on a fresh Debian machine (idempotent).
set -euo pipefail
need=()
[ -e /usr/share/zoneinfo/America/New_York ] || need+=(tzdata)
command -v python3 >/dev/null || need+=(python3)
command -v tar >/dev/null || need+=(tar)
[ -e /usr/include/zlib.h ] || need+=(zlib1g-dev)
if [ ${#need[@]} -gt 0 ]; then
    SUDO=""
    [ "$(id -u)" -eq 0 ] || SUDO=sudo
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}"
fi
