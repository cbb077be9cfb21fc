#!/usr/bin/env bash
# Refreshes docs/screenshots/*.png by running the browser tests with screenshots on.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-test-deps.sh
swift build
SUNDIAL_SCREENSHOTS="$PWD/docs/screenshots" scripts/test-e2e.sh "$@"
