// Prints one closing line, "vitest: N passed, N failed, N skipped", from vitest's JSON report,
// so whoever reads the end of the log (people and CI) gets the count at a glance.
import { readFileSync } from 'node:fs'

const file = process.argv[2] ?? 'test-results/vitest.json'
let report
try {
  report = JSON.parse(readFileSync(file, 'utf8'))
} catch (error) {
  console.error(`no test report at ${file}: ${error.message}`)
  process.exit(1)
}
const passed = report.numPassedTests ?? 0
// A file that fails to load has no failed test but a failed suite: count it, or it would hide.
const failed = Math.max(report.numFailedTests ?? 0, report.success ? 0 : 1)
const skipped = (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0)
console.log(`vitest: ${passed} passed, ${failed} failed, ${skipped} skipped`)
if (passed === 0 || failed > 0) process.exit(1)
