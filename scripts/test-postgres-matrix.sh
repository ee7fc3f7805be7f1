#!/usr/bin/env bash
# Runs every integration file that starts a PostgreSQL cluster once per major, each run with
# VIGIL_TEST_PG_MAJOR set (test/helpers/postgres.ts then starts that major's server from
# test/postgres-versions; scripts/install-test-postgres.sh installs them).
#
#   bash scripts/test-postgres-matrix.sh            majors 13 to 18
#   bash scripts/test-postgres-matrix.sh 13 17      only those
#   bash scripts/test-postgres-matrix.sh --files    prints the files, one a line (test-all.sh
#                                                   leaves them out of its main run)
#   bash scripts/test-postgres-matrix.sh --majors   prints the default majors, one a line
#
# Each major's output goes to test-results/postgres-<major>.log (printed here once it is done)
# and its report to test-results/postgres-<major>.json; the last lines are one count per major.
# Exits non-zero if any major failed.
set -euo pipefail
cd "$(dirname "$0")/.."

files=(test/integration/pg-*.test.ts test/integration/postgres-*.test.ts test/integration/oracle-monitoring.test.ts)
all_majors=(13 14 15 16 17 18)
case "${1:-}" in
  --files) printf '%s\n' "${files[@]}"; exit 0 ;;
  --majors) printf '%s\n' "${all_majors[@]}"; exit 0 ;;
esac
majors=("$@")
[ ${#majors[@]} -gt 0 ] || majors=("${all_majors[@]}")
# Two majors at a time: a run mostly waits on its servers, and each has its own clusters, ports
# and temp dirs, so two share the 2 cores well; more would only queue.
parallel=${VIGIL_PG_MATRIX_PARALLEL:-2}

mkdir -p test-results
run_major() {
  local major=$1 started=$SECONDS
  rm -f "test-results/postgres-$major.json"
  VIGIL_TEST_PG_MAJOR=$major npx vitest run --project integration "${files[@]}" \
    --reporter=default --reporter=json --outputFile.json="test-results/postgres-$major.json" \
    >"test-results/postgres-$major.log" 2>&1 || true
  echo "===== PostgreSQL $major: $((SECONDS - started)) s ====="
  cat "test-results/postgres-$major.log"
}

echo "PostgreSQL matrix: ${#files[@]} files on majors ${majors[*]}, $parallel at a time"
started=$SECONDS
for major in "${majors[@]}"; do
  while [ "$(jobs -rp | wc -l)" -ge "$parallel" ]; do wait -n || true; done
  # One run's output is printed whole when it ends, so two runs' lines never interleave.
  run_major "$major" >"test-results/postgres-$major.out" &
done
wait
for major in "${majors[@]}"; do cat "test-results/postgres-$major.out"; rm -f "test-results/postgres-$major.out"; done
echo "PostgreSQL matrix: $((SECONDS - started)) s in all"

reports=()
for major in "${majors[@]}"; do reports+=("PostgreSQL $major=test-results/postgres-$major.json"); done
node scripts/test-summary.mjs "${reports[@]}"
