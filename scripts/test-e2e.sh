#!/usr/bin/env bash
# The browser tests: pytest drives Debian's headless Chromium against the `sundial` binary
# that `swift build` made. Extra arguments go to pytest (e.g. -k lifecycle).
# SUNDIAL_SCREENSHOTS=<folder> also saves a screenshot of each page (scripts/screenshots.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
export SUNDIAL_BIN="${SUNDIAL_BIN:-$(swift build --show-bin-path)/sundial}"
exec .build/e2e-venv/bin/python -m pytest Tests/e2e -p no:cacheprovider -q -rs "$@"
