#!/usr/bin/env bash
# The one test command (README, .ci/run): from a fresh checkout, install what the tests
# need, build, lint, type-check, then run unit, integration and e2e tests.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-test-deps.sh
# Electron's binary cannot be downloaded here and is not needed to build or test the core.
ELECTRON_SKIP_BINARY_DOWNLOAD=1 npm ci --no-audit --no-fund
npm run lint
npm run typecheck
npm run build

mkdir -p test-results
status=0
npx vitest run --reporter=default --reporter=json --outputFile.json=test-results/vitest.json || status=$?
node scripts/test-summary.mjs test-results/vitest.json || status=1
exit "$status"
