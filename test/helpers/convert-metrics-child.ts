// Runs the series conversion on a data dir in a process of its own, for the kill -9 test:
// prints each progress report as a JSON line, and with `--stall-after N` stops for good inside
// the transaction after the Nth report, so the test's SIGKILL lands with work uncommitted.
//
//   tsx test/helpers/convert-metrics-child.ts <vigil.db> [--rows-per-transaction R] [--stall-after N]
import { openDb } from '../../src/main/base/db/db'
import { SeriesStore } from '../../src/main/base/series/series-store'
import { convertMetricTables } from '../../src/main/metrics/series-conversion'

const [file, ...rest] = process.argv.slice(2)
const option = (name: string): number | undefined => {
  const at = rest.indexOf(name)
  return at === -1 ? undefined : Number(rest[at + 1])
}
const stallAfter = option('--stall-after')
const db = openDb(file as string)
const store = new SeriesStore(db, { logDir: null })
let reports = 0
if (stallAfter !== undefined) {
  const writeChunks = store.writeChunks.bind(store)
  store.writeChunks = (chunks, alsoInTransaction) =>
    writeChunks(chunks, () => {
      alsoInTransaction?.()
      // Blocks this thread for good, the transaction open, until the test kills the process.
      if (reports >= stallAfter) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0)
    })
}
void convertMetricTables(db, store, {
  rowsPerTransaction: option('--rows-per-transaction'),
  onProgress: (progress) => {
    reports++
    process.stdout.write(`${JSON.stringify({ progress })}\n`)
  }
}).then((result) => {
  process.stdout.write(`${JSON.stringify({ result })}\n`)
  db.close()
})
