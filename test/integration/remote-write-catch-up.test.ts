// Remote write over restarts and a fleet's churn: what was stored while the receiver was down is
// sent after Vigil restarts, also a process that came and went meanwhile (its group out of the
// store's memory by then); the cursors of groups that left memory stay on disk, and those of
// groups the store deletes go. The store runs on a clock of its own (minute-store.ts) and the
// receiver is a real HTTP server on loopback.
import { randomBytes } from 'node:crypto'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { openDb } from '../../src/main/base/db/db'
import { MIGRATIONS } from '../../src/main/base/db/migrations'
import { SecretBox } from '../../src/main/base/security/secrets'
import { STALE } from '../../src/main/base/series/sample'
import { RemoteWriter } from '../../src/main/prometheus'
import { createRemoteWriteRepo, type RemoteWriteRepo } from '../../src/main/prometheus/remote-write/remote-write-repo'
import { SendBacklog } from '../../src/main/prometheus/remote-write/send-backlog'
import { externalGroupKey } from '../../src/main/prometheus/series/external-series'
import { labelSet } from '../../src/main/prometheus/series/label-sets'
import { EMPTY_REGISTRY } from '../../src/main/prometheus/series/registry'
import { SeriesModel } from '../../src/main/prometheus/series/series-model'
import { MINUTE, openMinuteStore, T0 } from '../helpers/minute-store'
import { startRemoteWriteReceiver, type RemoteWriteReceiver } from '../helpers/remote-write-receiver'
import { makeTempDir } from '../helpers/temp-dir'

let receiver: RemoteWriteReceiver
beforeAll(async () => {
  receiver = await startRemoteWriteReceiver()
})
afterAll(async () => {
  await receiver?.close()
})

type MinuteStore = ReturnType<typeof openMinuteStore>
const secrets = new SecretBox(randomBytes(32))

describe('remote write over restarts and churn', () => {
  const cleanups: Array<() => Promise<void> | void> = []
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
    receiver.answerWith(() => ({ status: 204 }))
    receiver.accepted.clear()
  })

  function writerOn(f: MinuteStore): { writer: RemoteWriter; repo: RemoteWriteRepo } {
    const repo = createRemoteWriteRepo(f.db, secrets)
    const writer = new RemoteWriter({ repo, store: f.store, model: new SeriesModel(f.store, EMPTY_REGISTRY), userAgent: 'test' }, { idleMs: 10, minBackoffMs: 5, maxBackoffMs: 20, now: () => f.now })
    cleanups.push(() => writer.stop())
    return { writer, repo }
  }

  const groupOf = (f: MinuteStore, name: string) => f.store.groupId(externalGroupKey('import', name, labelSet([['job', 'batch']])))

  /** A job that runs for a second: a value, then its staleness marker. */
  function runJob(f: MinuteStore, name: string, value: number): number {
    const job = groupOf(f, name)
    f.store.append(job, f.now, [value])
    f.store.append(job, f.now + 1000, [STALE])
    f.store.flush()
    return job
  }

  const cursorRows = (f: MinuteStore): number => f.db.prepare('SELECT count(*) FROM remote_write_cursors').pluck().get() as number

  it('sends after a restart what came and went while the receiver was down, each sample once', async () => {
    const temp = makeTempDir('vigil-rw-catch-up-')
    cleanups.push(temp.remove)
    const before = openMinuteStore(temp.dir, cleanups, T0, MINUTE)
    const { writer } = writerOn(before)
    receiver.answerWith(() => ({ status: 503, body: 'down' }))
    const steady = groupOf(before, 'steady')
    before.store.append(steady, before.now, [1])
    before.store.flush()
    await writer.configure({ url: receiver.url })
    await receiver.requestsAfter(1)
    const job = runJob(before, 'job', 5)
    await receiver.requestsAfter(2)
    // Vigil stops while the receiver is still down; meanwhile the job's group leaves memory.
    await writer.stop()
    before.minutes(8, () => before.store.append(steady, before.now + 30_000, [2]))
    expect(before.store.group(job)).toBeUndefined()
    before.store.close()
    before.db.close()

    const after = openMinuteStore(temp.dir, cleanups, before.now, MINUTE)
    expect(after.store.group(job)).toBeUndefined()
    receiver.answerWith(() => ({ status: 204 }))
    const { writer: restarted } = writerOn(after)
    restarted.start()
    await restarted.sent()
    expect(receiver.accepted.get('__name__="job",job="batch"')).toEqual([
      { value: 5, timestamp: T0 },
      { value: STALE, timestamp: T0 + 1000 }
    ])
    expect(receiver.accepted.get('__name__="steady",job="batch"')?.map((sample) => sample.value)).toEqual([1, 2, 2, 2, 2, 2, 2, 2, 2])
  })

  it('looks through the groups out of memory a few hours at a time as sending gets there, and sends them all', async () => {
    const temp = makeTempDir('vigil-rw-catch-up-')
    cleanups.push(temp.remove)
    const before = openMinuteStore(temp.dir, cleanups, T0, MINUTE)
    createRemoteWriteRepo(before.db, secrets).saveTarget({ url: receiver.url, bearerToken: null, enabled: true, sinceMs: T0 }, T0)
    // Five hours while nothing is sent: a job at the start of each, gone from memory by the end.
    const jobs: number[] = []
    before.minutes(5 * 60, (minute) => {
      if (minute % 60 === 0) jobs.push(runJob(before, `job-${minute / 60}`, minute / 60))
    })
    before.store.close()
    before.db.close()

    const after = openMinuteStore(temp.dir, cleanups, before.now, MINUTE)
    for (const job of jobs) expect(after.store.group(job)).toBeUndefined()
    const repo = createRemoteWriteRepo(after.db, secrets)
    const backlog = new SendBacklog(after.store, new SeriesModel(after.store, EMPTY_REGISTRY), repo, repo.progress() ?? { sinceMs: T0, sentBeforeMs: T0 }, after.now)
    backlog.refresh()
    // The first two hours' jobs: the oldest unsent time is the first's, and two hours past it.
    expect(backlog.laggingGroups).toBe(2)
    expect(backlog.pendingRows).toBe(4)

    const { writer } = writerOn(after)
    const earlier = receiver.requests.length
    writer.start()
    await writer.sent()
    for (let hour = 0; hour < 5; hour++) {
      expect(receiver.accepted.get(`__name__="job-${hour}",job="batch"`)).toEqual([
        { value: hour, timestamp: T0 + hour * 60 * MINUTE },
        { value: STALE, timestamp: T0 + hour * 60 * MINUTE + 1000 }
      ])
    }
    // In time order across the jobs, as a receiver needs.
    const firstSent = receiver.requests.slice(earlier).flatMap((request) => request.series.map((series) => series.samples[0]?.timestamp ?? 0))
    expect(firstSent).toEqual([...firstSent].sort((a, b) => a - b))
  })

  it('keeps in memory only the cursors of groups in memory, records how far everything was sent, and deletes the cursors of deleted groups', async () => {
    const temp = makeTempDir('vigil-rw-catch-up-')
    cleanups.push(temp.remove)
    const f = openMinuteStore(temp.dir, cleanups, T0, MINUTE)
    const { writer, repo } = writerOn(f)
    const steady = groupOf(f, 'steady')
    await writer.configure({ url: receiver.url })
    // Twenty minutes with a job every minute, each sent while it runs.
    const jobs: number[] = []
    for (let minute = 0; minute < 20; minute++) {
      f.store.append(steady, f.now, [minute])
      jobs.push(runJob(f, `job-${minute}`, minute))
      await writer.sent()
      f.minutes(1)
    }
    await writer.sent()
    expect(receiver.accepted.size).toBe(21)
    expect(cursorRows(f)).toBe(21)
    const inMemory = [...f.store.groupsInMemory()].length
    expect(inMemory).toBeLessThan(21)

    // Everything was sent up to the last look, less the margin.
    expect(repo.progress()?.sentBeforeMs).toBeGreaterThanOrEqual(f.now - MINUTE - 15 * MINUTE)
    // A backlog started now holds the cursors of the groups in memory, not of every group sent.
    const progress = repo.progress()
    if (progress === null) throw new Error('no receiver')
    const backlog = new SendBacklog(f.store, new SeriesModel(f.store, EMPTY_REGISTRY), repo, progress, f.now)
    backlog.refresh()
    expect(backlog.pendingRows).toBe(0)
    expect(backlog.cursorsInMemory).toBe(inMemory)

    const deleted = jobs.slice(0, 5)
    expect(f.store.deleteGroupIds(deleted)).toBe(5)
    expect(cursorRows(f)).toBe(16)
    for (const id of deleted) expect(repo.cursor(id)).toBeUndefined()
    expect(repo.cursor(jobs[5] as number)).toBeDefined()
  })

  it('upgrades a data dir whose receiver was set before the mark: it starts an hour before the newest sample sent', () => {
    const temp = makeTempDir('vigil-rw-catch-up-')
    cleanups.push(temp.remove)
    const file = join(temp.dir, 'vigil.db')
    const old = openDb(file, MIGRATIONS.slice(0, 20))
    old.prepare('INSERT INTO remote_write (id, url, enabled, since_ms, updated_at) VALUES (1, ?, 1, ?, ?)').run(receiver.url, T0, T0)
    const cursor = old.prepare('INSERT INTO remote_write_cursors (group_id, next_seq, last_ts) VALUES (?, ?, ?)')
    cursor.run(1, 10, T0 + 5 * 60 * MINUTE)
    cursor.run(2, 3, T0 + 2 * 60 * MINUTE)
    old.close()
    const db = openDb(file)
    cleanups.push(() => {
      db.close()
    })
    expect(createRemoteWriteRepo(db, secrets).progress()).toEqual({ sinceMs: T0, sentBeforeMs: T0 + 4 * 60 * MINUTE })
  })
})
