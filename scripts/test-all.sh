#!/usr/bin/env bash
# The one test command (README, .ci/run): from a fresh checkout, install what the tests
# need, build, lint, type-check, then run unit, integration and e2e tests, and the PostgreSQL
# integration files once more for each major from 13 to 18 (scripts/test-postgres-matrix.sh).
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-test-deps.sh
bash scripts/install-test-postgres.sh
# Electron's binary cannot be downloaded here and is not needed to build or test the core.
ELECTRON_SKIP_BINARY_DOWNLOAD=1 npm ci --no-audit --no-fund
npm run lint
npm run typecheck
npm run build

mkdir -p test-results
status=0
# The PostgreSQL files run in the matrix below, one run per major, not here.
exclude=()
while read -r file; do exclude+=(--exclude "$file"); done < <(bash scripts/test-postgres-matrix.sh --files)
npx vitest run "${exclude[@]}" --reporter=default --reporter=json --outputFile.json=test-results/vitest.json || status=$?
bash scripts/test-postgres-matrix.sh || status=1

majors=()
while read -r major; do majors+=("PostgreSQL $major=test-results/postgres-$major.json"); done < <(bash scripts/test-postgres-matrix.sh --majors)
# One line per PostgreSQL major, then the closing count over every run.
node scripts/test-summary.mjs "Main run=test-results/vitest.json" "${majors[@]}" || status=1
exit "$status"
