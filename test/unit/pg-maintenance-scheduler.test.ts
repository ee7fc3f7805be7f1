// The scheduler's timing and restart policy on a real SQLite file, with a clock the test moves.
// No PostgreSQL here (test/integration/pg-maintenance.test.ts runs jobs for real): jobs that reach
// their time try to connect and either fail (the instance is unreachable) or stay connecting
// until the test releases them, which is all the policy needs to be observed.
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { FailureReport } from '../../src/main/base/background'
import { MaintenanceScheduler, RETRY_AFTER_FAILURE_MS, type MaintenanceEvent, type NewMaintenanceJob } from '../../src/main/postgres/maintenance/scheduler'
import type { ConnectInstanceDatabase, MaintenanceSession, SchedulerClock } from '../../src/main/postgres/maintenance/types'
import { openDb, type Db } from '../../src/main/base/db/db'
import { createPgMaintenanceJobsRepo } from '../../src/main/postgres/maintenance/jobs-repo'
import { AppError } from '../../src/shared/errors'
import { unexpectedFailure } from '../helpers/failures'
import { makeTempDir } from '../helpers/temp-dir'

const HOUR = 3_600_000
const T0 = Date.UTC(2030, 5, 1, 1, 0, 0)

/** Timers that fire when the test moves time, in the order they are due. */
class TestClock implements SchedulerClock {
  private timers: { id: number; at: number; callback: () => void }[] = []
  private nextId = 1
  constructor(public time: number) {}
  now = (): number => this.time
  setTimeout = (callback: () => void, ms: number): unknown => {
    const id = this.nextId++
    this.timers.push({ id, at: this.time + ms, callback })
    return id
  }
  clearTimeout = (handle: unknown): void => {
    this.timers = this.timers.filter((timer) => timer.id !== handle)
  }
  /** When the next timer is due, if any. */
  nextAt(): number | undefined {
    return this.timers.map((timer) => timer.at).sort((a, b) => a - b)[0]
  }
  advanceTo(time: number): void {
    for (;;) {
      const due = this.timers.filter((timer) => timer.at <= time).sort((a, b) => a.at - b.at)[0]
      if (!due) break
      this.timers = this.timers.filter((timer) => timer !== due)
      this.time = due.at
      due.callback()
    }
    this.time = time
  }
}

const unreachable: ConnectInstanceDatabase = async () => {
  throw new AppError('unavailable', 'Connection refused by 127.0.0.1:1: is PostgreSQL running and listening there?')
}

/** Connections that stay pending until the test fails them: the job stays running meanwhile. */
function heldConnections() {
  const pending: { database: string; fail: () => void }[] = []
  const connect: ConnectInstanceDatabase = (_instanceId, database) =>
    new Promise<MaintenanceSession>((_resolve, reject) => {
      pending.push({ database, fail: () => reject(new AppError('unavailable', 'gave up')) })
    })
  return { connect, pending }
}

let temp: ReturnType<typeof makeTempDir>
let file: string
let db: Db

function open(): Db {
  return openDb(file)
}

beforeEach(() => {
  temp = makeTempDir()
  file = join(temp.dir, 'vigil.db')
  db = open()
  for (const id of [1, 2]) {
    db.prepare(
      `INSERT INTO postgres_instances (id, name, host, port, username, created_at, updated_at) VALUES (?, ?, '127.0.0.1', 5432, 'vigil', 0, 0)`
    ).run(id, `pg${id}`)
  }
})
afterEach(() => {
  db.close()
  temp.remove()
})

function scheduler(clock: TestClock, connect: ConnectInstanceDatabase = unreachable, events: MaintenanceEvent[] = [], store: Db = db, repo = createPgMaintenanceJobsRepo(store), onError: FailureReport = unexpectedFailure) {
  return new MaintenanceScheduler({ repo, connect, clock, onEvent: (event) => events.push(event), onError })
}

function job(overrides: Partial<NewMaintenanceJob> = {}): NewMaintenanceJob {
  return {
    instanceId: 1,
    operation: 'vacuum',
    target: { database: 'shop', schema: 'public', table: 'city', index: null },
    indexTable: null,
    mode: 'full',
    datetime: null,
    requestedBy: 'alice',
    ...overrides
  }
}

/** Lets promise callbacks (a failed connect, the job's end) run. */
const settle = () => new Promise((resolve) => setImmediate(resolve))

describe('MaintenanceScheduler', () => {
  it('runs a scheduled job at its time, not before, and publishes each state', async () => {
    const clock = new TestClock(T0)
    const events: MaintenanceEvent[] = []
    const s = scheduler(clock, unreachable, events)
    s.start()
    const created = s.schedule(job({ datetime: T0 + 90_000 }))
    expect(created).toMatchObject({ status: 'scheduled', scheduledAt: T0 + 90_000, requestedAt: T0, requestedBy: 'alice', mode: 'full' })
    expect(created.id).toMatch(/^[0-9a-f]{8}$/)
    expect(clock.nextAt()).toBe(T0 + 90_000)

    clock.advanceTo(T0 + 89_999)
    await settle()
    expect(s.get(created.id)?.status).toBe('scheduled')

    clock.advanceTo(T0 + 90_000)
    await settle()
    const failed = s.get(created.id)
    expect(failed).toMatchObject({ status: 'failed', startedAt: T0 + 90_000, finishedAt: T0 + 90_000 })
    expect(failed?.error).toMatch(/Connection refused/)
    expect(events.map((event) => event.type)).toEqual(['scheduled', 'started', 'failed'])
    expect(events[0]?.description).toBe('VACUUM (FULL) "public"."city" in database "shop"')
    expect(clock.nextAt()).toBeUndefined()
    await s.close()
  })

  it('reports a failed look at due jobs and looks again later, so the job still runs', async () => {
    const clock = new TestClock(T0)
    const events: MaintenanceEvent[] = []
    const failures: unknown[] = []
    const repo = createPgMaintenanceJobsRepo(db)
    let failNext = false
    const due = repo.due.bind(repo)
    repo.due = (now) => {
      if (!failNext) return due(now)
      failNext = false
      throw new Error('SQLITE_IOERR: disk I/O error')
    }
    const s = scheduler(clock, unreachable, events, db, repo, (error) => failures.push(error))
    s.start()
    const created = s.schedule(job({ datetime: T0 + 90_000 }))
    failNext = true
    expect(() => clock.advanceTo(T0 + 90_000)).not.toThrow()
    expect(failures).toEqual([new Error('SQLITE_IOERR: disk I/O error')])
    expect(s.get(created.id)?.status).toBe('scheduled')
    expect(clock.nextAt()).toBe(T0 + 90_000 + RETRY_AFTER_FAILURE_MS)

    clock.advanceTo(T0 + 90_000 + RETRY_AFTER_FAILURE_MS)
    await settle()
    expect(s.get(created.id)).toMatchObject({ status: 'failed', startedAt: T0 + 90_000 + RETRY_AFTER_FAILURE_MS })
    expect(events.map((event) => event.type)).toEqual(['scheduled', 'started', 'failed'])
    await s.close()
  })

  it('runs a job without a datetime, or with one already past, at once', async () => {
    const clock = new TestClock(T0)
    const s = scheduler(clock)
    s.start()
    const now = s.schedule(job())
    const past = s.schedule(job({ target: { database: 'shop', schema: 'public', table: 'country', index: null }, datetime: T0 - 5 * HOUR }))
    expect(now.status).toBe('running')
    expect(past.status).toBe('running')
    await settle()
    expect(s.get(past.id)?.status).toBe('failed')
    await s.close()
  })

  it('gives the same job for the same request at the same datetime', () => {
    const clock = new TestClock(T0)
    const s = scheduler(clock)
    s.start()
    const first = s.schedule(job({ datetime: T0 + HOUR }))
    expect(s.schedule(job({ datetime: T0 + HOUR })).id).toBe(first.id)
    expect(s.schedule(job({ datetime: T0 + HOUR, mode: 'full,analyze' })).id).not.toBe(first.id)
    expect(s.schedule(job({ datetime: T0 + 2 * HOUR })).id).not.toBe(first.id)
    expect(s.scheduledOperations(1, 'vacuum')).toHaveLength(3)
  })

  it('cancels a scheduled job, which then never runs', async () => {
    const clock = new TestClock(T0)
    const events: MaintenanceEvent[] = []
    const s = scheduler(clock, unreachable, events)
    s.start()
    const created = s.schedule(job({ datetime: T0 + HOUR }))
    await expect(s.cancel(1, created.id, 'analyze')).rejects.toThrow('Scheduled operation not found')
    await expect(s.cancel(2, created.id, 'vacuum')).rejects.toThrow('Scheduled operation not found')
    expect(await s.cancel(1, created.id, 'vacuum')).toEqual({ response: 'ok' })
    expect(s.get(created.id)).toMatchObject({ status: 'cancelled', finishedAt: T0 })
    expect(clock.nextAt()).toBeUndefined()
    clock.advanceTo(T0 + 2 * HOUR)
    await settle()
    expect(s.get(created.id)?.status).toBe('cancelled')
    expect(events.map((event) => event.type)).toEqual(['scheduled', 'cancelled'])
    const again = await s.cancel(1, created.id).catch((error: unknown) => error)
    expect(again).toBeInstanceOf(AppError)
    expect((again as AppError).code).toBe('not_found')
    await expect(s.cancel(1, 'deadbeef')).rejects.toThrow('Scheduled operation not found')
  })

  it('lists pending jobs per level in the agent shape, in the order they are due', async () => {
    const clock = new TestClock(T0)
    const held = heldConnections()
    const s = scheduler(clock, held.connect)
    s.start()
    const city = s.schedule(job({ datetime: T0 + 2 * HOUR }))
    const country = s.schedule(job({ target: { database: 'shop', schema: 'public', table: 'country', index: null }, datetime: T0 + HOUR }))
    const wholeDb = s.schedule(job({ target: { database: 'shop', schema: null, table: null, index: null }, mode: null, datetime: T0 + 3 * HOUR }))
    s.schedule(job({ target: { database: 'other', schema: 'public', table: 'city', index: null }, datetime: T0 + HOUR }))
    s.schedule(job({ instanceId: 2, datetime: T0 + HOUR }))
    s.schedule(job({ operation: 'analyze', mode: null, datetime: T0 + HOUR }))
    const reindexIndex = s.schedule(
      job({ operation: 'reindex', mode: 'ignored', target: { database: 'shop', schema: 'public', table: null, index: 'city_pkey' }, indexTable: 'city', datetime: T0 + HOUR })
    )

    expect(s.scheduledOperations(1, 'vacuum', { dbname: 'shop', schema: 'public', table: 'city' })).toEqual([
      { datetime: '2030-06-01T03:00:00Z', dbname: 'shop', id: city.id, index: null, mode: 'full', schema: 'public', status: 'todo', table: 'city' }
    ])
    expect(s.scheduledOperations(1, 'vacuum', { dbname: 'shop' }).map((entry) => entry.id)).toEqual([country.id, city.id, wholeDb.id])
    expect(s.scheduledOperations(1, 'vacuum')).toHaveLength(4)
    expect(s.scheduledOperations(2, 'vacuum')).toHaveLength(1)
    expect(s.scheduledOperations(1, 'analyze', { dbname: 'shop' })).toMatchObject([{ mode: null, table: 'city' }])
    // The schema level of REINDEX lists the index jobs of the schema, with the index and no table.
    expect(s.scheduledOperations(1, 'reindex', { dbname: 'shop', schema: 'public' })).toEqual([
      { datetime: '2030-06-01T02:00:00Z', dbname: 'shop', id: reindexIndex.id, index: 'city_pkey', mode: null, schema: 'public', status: 'todo', table: null }
    ])

    clock.advanceTo(T0 + HOUR)
    const statuses = Object.fromEntries(s.scheduledOperations(1, 'vacuum').map((entry) => [entry.id, entry.status]))
    expect(statuses[country.id]).toBe('doing')
    expect(statuses[city.id]).toBe('todo')
    held.pending.forEach((connection) => connection.fail())
    await settle()
    expect(s.scheduledOperations(1, 'vacuum').map((entry) => entry.id)).toEqual([city.id, wholeDb.id])
    // The REINDEX that waited for the ANALYZE of its table runs now; let it end too.
    held.pending.forEach((connection) => connection.fail())
    await settle()
    await s.close()
  })

  it('never runs two jobs on one relation together: the second waits, however long, then runs', async () => {
    const clock = new TestClock(T0)
    const held = heldConnections()
    const s = scheduler(clock, held.connect)
    s.start()
    const first = s.schedule(job())
    const onIndex = s.schedule(job({ operation: 'reindex', mode: null, target: { database: 'shop', schema: 'public', table: null, index: 'city_pkey' }, indexTable: 'city' }))
    const onDatabase = s.schedule(job({ operation: 'analyze', mode: null, target: { database: 'shop', schema: null, table: null, index: null } }))
    const elsewhere = s.schedule(job({ target: { database: 'other', schema: 'public', table: 'city', index: null } }))
    expect([first, onIndex, onDatabase, elsewhere].map((j) => s.get(j.id)?.status)).toEqual(['running', 'scheduled', 'scheduled', 'running'])
    expect(s.scheduledOperations(1, 'reindex')[0]?.status).toBe('queued')

    // Hours later (well past the grace period) the first one ends: the next in line starts, not missed.
    clock.advanceTo(T0 + 5 * HOUR)
    held.pending.filter((c) => c.database === 'shop').forEach((c) => c.fail())
    await settle()
    expect(s.get(onIndex.id)?.status).toBe('running')
    expect(s.get(onDatabase.id)?.status).toBe('scheduled')
    held.pending.filter((c) => c.database === 'shop').forEach((c) => c.fail())
    await settle()
    expect(s.get(onDatabase.id)?.status).toBe('running')
    held.pending.forEach((c) => c.fail())
    await settle()
    expect(s.jobs({ statuses: ['running', 'scheduled'] })).toEqual([])
    await s.close()
  })

  it('on restart keeps scheduled jobs, runs the slightly late, misses the long past, fails the interrupted', async () => {
    const clock = new TestClock(T0)
    const first = scheduler(clock)
    first.start()
    const soon = first.schedule(job({ datetime: T0 + HOUR }))
    const slightlyLate = first.schedule(job({ target: { database: 'shop', schema: 'public', table: 'country', index: null }, datetime: T0 + 2 * HOUR }))
    const longPast = first.schedule(job({ target: { database: 'shop', schema: 'public', table: 'language', index: null }, datetime: T0 - 2 * HOUR + 1000 }))
    const running = first.schedule(job({ target: { database: 'shop', schema: null, table: null, index: null }, datetime: T0 + 10 * HOUR }))
    await settle()
    await first.close()
    // As if Vigil had stopped before its time (it ran at once here: its datetime was past when asked for)…
    db.prepare("UPDATE pg_maintenance_jobs SET status = 'scheduled', started_at = NULL, finished_at = NULL, error = NULL, requested_at = ? WHERE id = ?").run(T0 - 3 * HOUR, longPast.id)
    // …and had died while this one ran.
    db.prepare("UPDATE pg_maintenance_jobs SET status = 'running', started_at = ?, backend_pid = 4242 WHERE id = ?").run(T0, running.id)
    db.close()

    db = open()
    const later = new TestClock(T0 + 2 * HOUR + 30 * 60_000)
    const events: MaintenanceEvent[] = []
    const second = scheduler(later, unreachable, events, db)
    expect(second.get(soon.id)?.status).toBe('scheduled')
    second.start()
    await settle()
    expect(second.get(running.id)).toMatchObject({ status: 'failed', error: 'interrupted by Vigil shutdown', finishedAt: later.time })
    expect(second.get(longPast.id)?.status).toBe('missed')
    expect(second.get(longPast.id)?.error).toBe(
      'Vigil could not start it at 2030-05-31T23:00:01Z: it was 270 min late, past the grace period of 60 min'
    )
    // 90 and 30 minutes late: the first is missed, the second within the hour runs (and fails here: no server).
    expect(second.get(soon.id)?.status).toBe('missed')
    expect(second.get(slightlyLate.id)).toMatchObject({ status: 'failed', startedAt: later.time })
    expect(events.map((event) => `${event.type} ${event.job.id}`).sort()).toEqual(
      [`failed ${running.id}`, `missed ${longPast.id}`, `missed ${soon.id}`, `started ${slightlyLate.id}`, `failed ${slightlyLate.id}`].sort()
    )
    await second.close()
  })

  it('waits for a far job in several timer spans, and forgets finished jobs after 30 days', async () => {
    const clock = new TestClock(T0)
    const s = scheduler(clock)
    s.start()
    const far = s.schedule(job({ datetime: T0 + 60 * 24 * HOUR }))
    expect((clock.nextAt() as number) - T0).toBe(2 ** 31 - 1)
    clock.advanceTo(T0 + 60 * 24 * HOUR)
    await settle()
    expect(s.get(far.id)?.status).toBe('failed')
    await s.close()

    const muchLater = new TestClock(T0 + 91 * 24 * HOUR)
    const next = scheduler(muchLater)
    next.start()
    expect(next.get(far.id)).toBeUndefined()
    await next.close()
  })

  it('refuses new jobs once closed', async () => {
    const s = scheduler(new TestClock(T0))
    s.start()
    await s.close()
    expect(() => s.schedule(job())).toThrow('Vigil is shutting down')
  })
})
