// Ingests through a SeriesStore with its real head log and clock, for the kill -9 test: rows
// of a few groups (series-ingest-rows.ts), flushed every 10 ms, with heads, log segments and
// writes turned over every few hundred ms so that a kill can land in any of them. After each
// flush it prints {"flushed": [next seq per group], "at": ms}; once `--signal-after` ms have
// passed it prints {"kill": true} and carries on until it is killed.
//
//   tsx test/helpers/series-ingest-child.ts <dir> [--signal-after 1500]
import { join } from 'node:path'
import { openDb } from '../../src/main/base/db/db'
import { SeriesStore } from '../../src/main/base/series/series-store'
import { INGEST_GROUPS, ingestKey, ingestRow } from './series-ingest-rows'

const [dir, ...rest] = process.argv.slice(2)
const at = rest.indexOf('--signal-after')
const signalAfter = at === -1 ? 1500 : Number(rest[at + 1])
const db = openDb(join(dir as string, 'vigil.db'))
const store = new SeriesStore(db, { logDir: join(dir as string, 'series-head'), headRows: 40, cutEveryMs: 200, maxHeadAgeMs: 600 })
const ids = Array.from({ length: INGEST_GROUPS }, (_, g) => store.groupId(ingestKey(g)))
const next = ids.map(() => 0)
const started = Date.now()
let signalled = false
let ts = started
const tick = (): void => {
  // Group g gets g + 1 rows a tick (at most 5): heads fill and age at different times.
  for (let round = 0; round < 5; round++) {
    ts++
    ids.forEach((id, g) => {
      if (round <= g) next[g] = store.append(id, ts, ingestRow(g, next[g] as number)) + 1
    })
  }
  store.flush()
  process.stdout.write(`${JSON.stringify({ flushed: next, at: Date.now() })}\n`)
  if (!signalled && Date.now() - started >= signalAfter) {
    signalled = true
    process.stdout.write(`${JSON.stringify({ kill: true })}\n`)
  }
  setTimeout(tick, 10)
}
tick()
