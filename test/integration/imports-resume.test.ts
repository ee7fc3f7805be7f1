// An import cut short resumes after what it stored: the state a crash after a batch leaves
// (the file `loading`, its resume line and rows written in the batch's transaction) is made on
// a stopped data dir, and the next start carries on from that line, storing only the rest.
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { startApi, type TestApi } from '../helpers/api'
import { makeTempDir } from '../helpers/temp-dir'

const temp = makeTempDir('vigil-imports-resume-')
let api: TestApi | null = null

afterAll(async () => {
  await api?.close()
  temp.remove()
})

describe('an import cut short', () => {
  it('carries on after its resume line at the next start, never storing a row twice', async () => {
    const base = Math.floor(Date.now() / 60_000) * 60_000 - 10 * 60_000
    const at = (minute: number): string => new Date(base + minute * 60_000).toISOString()
    api = await startApi({ dataDir: temp.dir })
    expect((await api.request('POST', '/api/sources', { body: { name: 'resumed', type: 'csv_metrics', timestamp_column: 'time' } })).status).toBe(201)
    const file = join(temp.dir, 'uploads', 'resumed', 'four.csv')
    writeFileSync(file, ['time,v', `${at(0)},1`, `${at(1)},2`, `${at(2)},3`, `${at(3)},4`].join('\n'))
    await api.close()

    // What a crash after the first batch (lines 2 and 3) leaves in vigil.db.
    const { default: Database } = await import('better-sqlite3')
    const db = new Database(join(temp.dir, 'vigil.db'))
    const { statSync } = await import('node:fs')
    const stat = statSync(file)
    db.prepare(
      `INSERT INTO import_files (source_id, filename, size, mtime, status, rows_loaded, resume_line, started_at)
       SELECT id, 'four.csv', ?, ?, 'loading', 2, 3, ? FROM import_sources WHERE name = 'resumed'`
    ).run(stat.size, Math.trunc(stat.mtimeMs), Date.now())
    db.close()

    api = await startApi({ dataDir: temp.dir })
    let listed
    for (;;) {
      listed = (await api.request('GET', '/api/sources/resumed/csv-files')).body.files[0]
      if (listed.status !== 'loading') break
      await new Promise((resolve) => setTimeout(resolve, 50))
    }
    await api.app.platform.sources.settled('resumed')
    expect(listed).toMatchObject({ status: 'success', rows_loaded: 4 })
    const query = async (minute: number): Promise<unknown[]> =>
      (await api!.request('GET', `/prometheus/api/v1/query_range?query=v&start=${(base + minute * 60_000) / 1000}&end=${(base + minute * 60_000) / 1000}&step=1`)).body.data.result
    // Lines 2 and 3 were "stored before the crash" (here: not at all), so only 3 and 4 are there.
    expect(await query(0)).toEqual([])
    const stored = (await api.request('GET', `/prometheus/api/v1/query_range?query=v&start=${base / 1000}&end=${(base + 3 * 60_000) / 1000}&step=60`)).body.data.result
    expect(stored[0].values.map(([, value]: [number, string]) => value)).toEqual(['3', '4'])
    const logs = (await api.request('GET', '/api/sources/resumed/logs')).body.map((line: { message: string }) => line.message)
    expect(logs).toContain('Resuming four.csv after line 3 (an import cut short)')
  })
})
