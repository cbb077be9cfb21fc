#!/usr/bin/env bash
# The whole test suite: unit tests, and integration tests that start the real `sundial`
# binary and drive it over HTTP.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-test-deps.sh
swift build --build-tests
swift test --skip-build "$@"
