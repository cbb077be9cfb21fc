#!/usr/bin/env bash
# The whole test suite: unit tests, integration tests that start the real `sundial`
# binary and drive it over HTTP, then the browser tests of the web UI (Tests/e2e).
# Arguments go to `swift test`. Fails when either part fails; prints both outcomes last.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-test-deps.sh
swift build --build-tests
swift_status=0
swift test --skip-build "$@" || swift_status=$?
browser_status=0
scripts/test-e2e.sh || browser_status=$?
verdict() { [ "$1" -eq 0 ] && echo "passed" || echo "FAILED (exit $1)"; }
echo
echo "Swift tests:   $(verdict $swift_status)"
echo "Browser tests: $(verdict $browser_status)"
[ $swift_status -eq 0 ] && [ $browser_status -eq 0 ]
