// Prints one line per vitest JSON report and one closing line, "vitest: N passed, N failed,
// N skipped", over all of them, so whoever reads the end of the log (people and CI) gets the
// count at a glance. Each argument is a report file, or LABEL=FILE to name its line (the
// PostgreSQL matrix: "PostgreSQL 13=test-results/postgres-13.json").
import { readFileSync } from 'node:fs'

const args = process.argv.length > 2 ? process.argv.slice(2) : ['test-results/vitest.json']
const total = { passed: 0, failed: 0, skipped: 0 }
for (const arg of args) {
  const [label, file] = arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [null, arg]
  const counts = readCounts(file)
  total.passed += counts.passed
  total.failed += counts.failed
  total.skipped += counts.skipped
  // Only labelled lines: an unlabelled one would read like the closing line.
  if (label) console.log(`${label} — ${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped`)
}
console.log(`vitest: ${total.passed} passed, ${total.failed} failed, ${total.skipped} skipped`)
if (total.passed === 0 || total.failed > 0) process.exit(1)

function readCounts(file) {
  let report
  try {
    report = JSON.parse(readFileSync(file, 'utf8'))
  } catch (error) {
    // A run that crashed before writing its report counts as one failure, or it would hide.
    console.error(`no test report at ${file}: ${error.message}`)
    return { passed: 0, failed: 1, skipped: 0 }
  }
  return {
    passed: report.numPassedTests ?? 0,
    // A file that fails to load has no failed test but a failed suite: count it, or it would hide.
    failed: Math.max(report.numFailedTests ?? 0, report.success ? 0 : 1),
    skipped: (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0)
  }
}
