import { spawn } from 'node:child_process'
import { join, resolve } from 'node:path'
import { createInterface } from 'node:readline'
import { afterEach, describe, expect, it } from 'vitest'
import { openDb } from '../../../src/main/base/db/db'
import { SeriesStore } from '../../../src/main/base/series/series-store'
import { INGEST_GROUPS, ingestKey, ingestRow } from '../../helpers/series-ingest-rows'
import { makeTempDir } from '../../helpers/temp-dir'

const CHILD = resolve(import.meta.dirname, '../../helpers/series-ingest-child.ts')

describe('series store, killed while ingesting', () => {
  const cleanups: Array<() => void> = []
  afterEach(() => {
    for (const cleanup of cleanups.splice(0).reverse()) cleanup()
  })

  it('kill -9 during ingest loses at most ~1 s: every older sample is there, once, as written', async () => {
    const temp = makeTempDir('vigil-series-kill-')
    cleanups.push(temp.remove)
    // Node itself runs the child (tsx as a loader), so the SIGKILL reaches the ingesting process.
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD, temp.dir, '--signal-after', '1500'], { stdio: ['ignore', 'pipe', 'inherit'] })
    cleanups.push(() => child.kill('SIGKILL'))
    const exited = new Promise<NodeJS.Signals | null>((done) => child.on('exit', (_code, signal) => done(signal)))
    const reports: Array<{ flushed: number[]; at: number }> = []
    let killedAt = 0
    for await (const line of createInterface({ input: child.stdout })) {
      const message = JSON.parse(line) as { flushed?: number[]; at?: number; kill?: boolean }
      if (message.flushed) reports.push({ flushed: message.flushed, at: message.at as number })
      if (message.kill) {
        killedAt = Date.now()
        child.kill('SIGKILL')
        break
      }
    }
    expect(await exited).toBe('SIGKILL')

    // What the child had flushed a second before the kill must all be there.
    const second = [...reports].reverse().find((report) => report.at <= killedAt - 1000)
    expect(second).toBeDefined()
    const db = openDb(join(temp.dir, 'vigil.db'))
    cleanups.push(() => db.close())
    const store = new SeriesStore(db, { logDir: join(temp.dir, 'series-head') })
    for (let g = 0; g < INGEST_GROUPS; g++) {
      const id = store.groupId(ingestKey(g))
      const range = store.read(id, -Infinity, Infinity)
      const kept = range.seq.length
      expect(kept).toBeGreaterThanOrEqual(second!.flushed[g] as number)
      // Nothing twice, nothing missing in between, every row as it was written.
      expect(range.seq).toEqual(Array.from({ length: kept }, (_, seq) => seq))
      for (let seq = 0; seq < kept; seq++) expect(range.columns.map((column) => column[seq])).toEqual(ingestRow(g, seq))
      for (let i = 1; i < kept; i++) expect(range.ts[i]).toBeGreaterThan(range.ts[i - 1] as number)
      // The store carries on numbering where the kept samples end.
      expect(store.append(id, (range.ts.at(-1) as number) + 1, ingestRow(g, kept))).toBe(kept)
    }
    store.close()
  }, 30_000)
})
