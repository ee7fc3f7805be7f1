// The sources feature on its own (src/main/sources): statuses from a collector's state, a
// failure logged once per reason and announced as collector_down/up, syncs one at a time,
// bounded logs, rows counted per day within the retention; and which face owns a path.
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { ApiFace } from '../../src/main/api/face'
import { faceOf } from '../../src/main/api/face'
import { createAuditTrail } from '../../src/main/audit'
import type { FailureReport } from '../../src/main/base/background'
import { EventBus } from '../../src/main/base/bus'
import { openDb, type Db } from '../../src/main/base/db/db'
import type { CollectorView, SourceProvider } from '../../src/main/sources'
import { RowCounts } from '../../src/main/sources/row-counts'
import { PlatformHealthService } from '../../src/main/sources/platform-health'
import { createSourcesRepo, LOG_LINES_PER_SOURCE } from '../../src/main/sources/sources-repo'
import { SourcesService, SyncRunning } from '../../src/main/sources/sources-service'
import type { PlatformEvent } from '../../src/shared/platform'
import { unexpectedFailure } from '../helpers/failures'
import { makeTempDir } from '../helpers/temp-dir'

const DAY = 86_400_000

let temp: ReturnType<typeof makeTempDir>
let db: Db

beforeEach(() => {
  temp = makeTempDir()
  db = openDb(join(temp.dir, 'vigil.db'))
})
afterEach(() => {
  db.close()
  temp.remove()
})

function view(overrides: Partial<CollectorView> = {}): CollectorView {
  return {
    key: 'server:1',
    name: 'server:web-01',
    type: 'ssh',
    id: '1',
    enabled: true,
    state: 'collecting',
    error: null,
    failing: false,
    starting: false,
    running: false,
    lastUpdate: null,
    tables: [{ name: 'vmstat', schema: 'raw', rows: null }],
    config: () => ({ hostname: 'web-01' }),
    ...overrides
  }
}

function setup(current: () => CollectorView[], sync: SourceProvider['sync'] = async () => ({ rows: 3, warning: null }), now = () => Date.now(), onError: FailureReport = unexpectedFailure) {
  const bus = new EventBus()
  const repo = createSourcesRepo(db)
  const rows = new RowCounts(repo, 7, now)
  const events: PlatformEvent[] = []
  bus.subscribe('platform.event', (event) => events.push(event))
  const service = new SourcesService({ repo, rows, bus, audit: createAuditTrail(db, bus), providers: [{ list: current, sync }], onError, now })
  service.start('started')
  return { bus, service, events, rows, repo }
}

describe('SourcesService', () => {
  it('derives each status from the collector’s state, rows and syncs', async () => {
    let current = view({ starting: true })
    let release: (value: { rows: number; warning: null }) => void = () => {}
    const { bus, service } = setup(
      () => [current],
      () => new Promise((resolve) => (release = resolve))
    )
    expect(service.list()[0]).toMatchObject({ status: 'syncing', row_count: 0, last_sync: null, freshness: { last_update: null, days_old: null } })
    current = view()
    expect(service.list()[0]?.status).toBe('not_synced')
    bus.publish('metrics.samples', { metric: 'vmstat', serverId: '1', timestamp: new Date().toISOString(), samples: [{ id: 1, values: {} }, { id: 2, values: {} }] })
    expect(service.list()[0]).toMatchObject({ status: 'synced', row_count: 2, tables: [{ name: 'vmstat', schema: 'raw', row_count: 2 }], freshness: { days_old: 0 } })
    current = view({ tables: [{ name: 't', schema: 's', rows: 0 }], lastUpdate: Date.now() })
    expect(service.list()[0]?.status).toBe('empty')
    current = view({ failing: true, state: 'unreachable', error: 'refused' })
    expect(service.list()[0]).toMatchObject({ status: 'failed', last_error: 'refused' })

    current = view()
    service.sync('server:web-01')
    expect(service.list()[0]?.status).toBe('syncing')
    expect(() => service.sync('server:web-01')).toThrow(SyncRunning)
    release({ rows: 3, warning: null })
    await service.settled('server:web-01')
    expect(service.details('server:web-01').history[0]).toMatchObject({ status: 'success', rows_processed: 3, trigger: 'manual' })
    expect(() => service.sync('server:nope')).toThrow("Source 'server:nope' not found")
    current = view({ enabled: false })
    expect(() => service.sync('server:web-01')).toThrow('disabled')
  })

  it('reports a periodic flush the database refused, out of harm’s way, and writes what it held at the next', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] })
    try {
      const failures: unknown[] = []
      const { bus, service } = setup(() => [view()], undefined, undefined, (error) => failures.push(error))
      bus.publish('metrics.samples', { metric: 'vmstat', serverId: '1', timestamp: new Date().toISOString(), samples: [{ id: 1, values: {} }, { id: 2, values: {} }] })
      db.exec('ALTER TABLE source_rows RENAME TO source_rows_away')
      expect(() => vi.advanceTimersToNextTimer()).not.toThrow()
      expect(failures).toHaveLength(1)
      expect(String(failures[0])).toMatch(/no such table: source_rows/)
      db.exec('ALTER TABLE source_rows_away RENAME TO source_rows')
      vi.advanceTimersToNextTimer()
      expect(failures).toHaveLength(1)
      expect(db.prepare('SELECT SUM(rows) AS rows FROM source_rows').get()).toEqual({ rows: 2 })
      await service.stop('stopped')
    } finally {
      vi.useRealTimers()
    }
  })

  it('logs a failure once per reason, announces down and up, and a recovery with its duration', () => {
    let at = 1_000_000
    const { bus, service, events } = setup(() => [view()], undefined, () => at)
    const state = (name: string, error: string | null, seconds: number) => bus.publish('servers.state', { id: '1', state: name as never, error, since: new Date(1_000_000 + seconds * 1000).toISOString() })
    state('connecting', null, 0)
    state('collecting', null, 1)
    for (let retry = 0; retry < 5; retry++) {
      state('unreachable', 'Connection refused', 10 + retry * 2)
      state('connecting', null, 11 + retry * 2)
    }
    state('unreachable', 'Host unreachable', 30)
    at = 1_000_000 + 95_000
    state('collecting', null, 95)
    const lines = service.logs('server:web-01').map((line) => `${line.level} ${line.message}`)
    expect(lines).toEqual([
      'INFO Connecting',
      'SUCCESS Connected in 1.0 s; collecting',
      'ERROR Failing: unreachable: Connection refused',
      'ERROR Still failing: unreachable: Host unreachable',
      'SUCCESS Recovered after 1 min 25 s down'
    ])
    expect(events.map((event) => event.type)).toEqual(['collector_down', 'collector_up'])
    expect(events[1]).toMatchObject({ source: 'server:web-01', down_seconds: 85 })
    expect(service.activity(1)).toEqual([expect.objectContaining({ message: 'Recovered after 1 min 25 s down', source: 'server:web-01' })])
  })

  it('keeps a bounded log per source', () => {
    const { repo } = setup(() => [view()])
    for (let i = 0; i < LOG_LINES_PER_SOURCE + 120; i++) repo.addLog(i, 'server:1', 'INFO', `line ${i}`)
    const kept = repo.logOf('server:1', 10_000)
    expect(kept.length).toBeLessThanOrEqual(LOG_LINES_PER_SOURCE + 50)
    expect(kept[0]?.message).toBe(`line ${LOG_LINES_PER_SOURCE + 119}`)
  })
})

describe('PlatformHealthService', () => {
  it('turns a collector failing for over 5 minutes and a changed host key into critical issues', () => {
    let at = 10_000_000
    const views = [
      view(),
      view({ key: 'server:2', name: 'server:db-01', id: '2', failing: true, state: 'unreachable', error: 'refused' }),
      view({ key: 'server:3', name: 'server:app-01', id: '3', failing: true, state: 'host_key_mismatch', error: 'key changed' })
    ]
    const { bus, service } = setup(() => views, undefined, () => at)
    bus.publish('servers.state', { id: '2', state: 'unreachable', error: 'refused', since: new Date(at).toISOString() })
    bus.publish('servers.state', { id: '3', state: 'host_key_mismatch', error: 'key changed', since: new Date(at).toISOString() })
    const health = new PlatformHealthService({
      version: 'test',
      dataDir: temp.dir,
      dbFile: join(temp.dir, 'vigil.db'),
      startedAt: at,
      collects: true,
      url: () => 'http://127.0.0.1:7420',
      pingDatabase: () => {},
      upgradeStatus: () => ({ state: 'none' }) as never,
      maintenance: { running: true, lastRetentionAt: at },
      stagingTables: 6,
      sources: service,
      now: () => at
    })
    const early = health.health()
    expect(early.warnings).toContainEqual('server:db-01 failing for 0s: refused')
    expect(early.critical_issues).toEqual([expect.stringContaining('server:app-01: the SSH host key changed')])
    expect(early.sync_failures.map((failure) => failure.source)).toEqual(['server:db-01', 'server:app-01'])
    at += 6 * 60_000
    const later = health.health()
    expect(later.critical_issues).toContainEqual('server:db-01 failing for 6m 0s: refused')
    expect(later.status).toBe('unhealthy')
    expect(later.warnings).not.toContainEqual(expect.stringContaining('Retention'))
    expect(health.status()).toMatchObject({ status: 'degraded', dango_version: 'test', services: { collectors: 'degraded' }, uptime: '6m 0s' })
    at += 4 * 3_600_000
    expect(health.health().warnings).toContainEqual('Retention last ran 4h 6m 0s ago (every hour expected): the store keeps more than its retention')
  })
})

describe('RowCounts', () => {
  it('counts per table and day, within the retention, and keeps them across a restart', () => {
    let now = 100 * DAY
    const repo = createSourcesRepo(db)
    const counts = new RowCounts(repo, 7, () => now)
    counts.add('server:1', 'vmstat', 10, now - 8 * DAY) // out of retention already
    counts.add('server:1', 'vmstat', 5, now - 2 * DAY)
    counts.add('server:1', 'iostat', 7, now)
    expect(Object.fromEntries(counts.tables('server:1'))).toEqual({ vmstat: 5, iostat: 7 })
    counts.flush()
    expect(Object.fromEntries(new RowCounts(repo, 7, () => now).tables('server:1'))).toEqual({ vmstat: 5, iostat: 7 })
    now += 6 * DAY
    expect(Object.fromEntries(counts.tables('server:1'))).toEqual({ vmstat: 0, iostat: 7 })
  })
})

describe('faceOf', () => {
  const face = (name: string, prefix: string, paths?: string[]): ApiFace => ({ name, prefix, paths, areas: [], errorStatus: () => 500, errorBody: () => null, routes: () => {} })
  const faces = [face('primary', ''), face('prometheus', '/prometheus'), face('platform', '', ['/api/status', '/api/sources/*', '/ws'])]
  it('gives listed paths to their face and leaves the rest to the default', () => {
    const owner = (url: string) => faceOf(faces, url).name
    expect(owner('/api/status')).toBe('platform')
    expect(owner('/api/status/')).toBe('platform')
    expect(owner('/api/statusx')).toBe('primary')
    expect(owner('/api/status/more')).toBe('primary')
    expect(owner('/api/sources')).toBe('platform')
    expect(owner('/api/sources/server:x/sync?y=1')).toBe('platform')
    expect(owner('/ws')).toBe('platform')
    expect(owner('/ws/metrics/x/')).toBe('primary')
    expect(owner('/api/servers/')).toBe('primary')
    expect(owner('/prometheus/api/v1/query')).toBe('prometheus')
  })
})
