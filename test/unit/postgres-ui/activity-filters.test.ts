import { describe, expect, it } from 'vitest'
import type { ActivityDetailRow } from '../../../src/shared/pg-agent'
import { distinct, filterActivity, filtering, formatDuration, minDurationOf, NO_FILTERS, queryPreview, queryStartOf } from '../../../src/renderer/src/views/postgres/activity-filters'

const row = (pid: number, extra: Partial<ActivityDetailRow> = {}): ActivityDetailRow => ({
  pid,
  database: 'shop',
  user: 'app',
  client: '10.0.0.5',
  cpu: null,
  memory: null,
  read_s: null,
  write_s: null,
  iow: null,
  wait: 'N',
  duration: '1.000',
  state: 'idle',
  query: 'SELECT 1',
  application_name: 'psql',
  query_start: null,
  xact_start: null,
  backend_start: null,
  wait_event_type: null,
  wait_event: null,
  ...extra
})

const rows = [
  row(1, { database: 'shop', user: 'app', state: 'active', duration: '12.500', query: 'UPDATE orders SET paid = true' }),
  row(2, { database: 'crm', user: 'report', state: 'idle in transaction', duration: '400.000', application_name: 'nightly-report' }),
  row(3, { database: 'shop', user: 'report', state: null, duration: '0.200', client: null, query: null })
]

describe('activity filters', () => {
  it('keeps everything without filters', () => {
    expect(filterActivity(rows, NO_FILTERS).map((r) => r.pid)).toEqual([1, 2, 3])
    expect(filtering(NO_FILTERS)).toBe(false)
  })

  it('filters by database, user, state (unknown included) and duration over N seconds', () => {
    const ids = (patch: Partial<typeof NO_FILTERS>) => filterActivity(rows, { ...NO_FILTERS, ...patch }).map((r) => r.pid)
    expect(ids({ database: 'shop' })).toEqual([1, 3])
    expect(ids({ user: 'report' })).toEqual([2, 3])
    expect(ids({ state: 'idle in transaction' })).toEqual([2])
    expect(ids({ state: '(unknown)' })).toEqual([3])
    expect(ids({ minDuration: '10' })).toEqual([1, 2])
    expect(ids({ minDuration: '12.5' })).toEqual([2])
    expect(ids({ minDuration: 'abc' })).toEqual([1, 2, 3])
    expect(ids({ database: 'shop', user: 'report' })).toEqual([3])
    expect(filtering({ ...NO_FILTERS, user: 'x' })).toBe(true)
  })

  it('searches the query, the application name and the client, ignoring case', () => {
    const ids = (text: string) => filterActivity(rows, { ...NO_FILTERS, text }).map((r) => r.pid)
    expect(ids('orders')).toEqual([1])
    expect(ids('NIGHTLY')).toEqual([2])
    expect(ids('10.0.0')).toEqual([1, 2])
  })

  it('lists the distinct values for the menus', () => {
    expect(distinct(rows, 'database')).toEqual(['crm', 'shop'])
    expect(distinct(rows, 'state')).toEqual(['(unknown)', 'active', 'idle in transaction'])
    expect(minDurationOf({ minDuration: ' 5 ' })).toBe(5)
    expect(minDurationOf({ minDuration: '-1' })).toBeNull()
  })

  it('says when a query started: pg_stat_activity’s time, else the duration counted back', () => {
    expect(queryStartOf({ query_start: '2024-05-01T10:00:00.5+02:00', duration: '3.000' }, 0)).toBe(Date.parse('2024-05-01T08:00:00.500Z'))
    expect(queryStartOf({ query_start: null, duration: '3.000' }, 10_000)).toBe(7_000)
    expect(queryStartOf({ query_start: null, duration: '0.000' }, 10_000)).toBeNull()
  })

  it('writes durations and query previews for table cells', () => {
    expect(formatDuration('2.345')).toBe('2.3 s')
    expect(formatDuration('65')).toBe('1 min 05 s')
    expect(formatDuration(7380)).toBe('2 h 03 min')
    expect(formatDuration(90_000)).toBe('1 d 1 h')
    expect(queryPreview('SELECT *\n  FROM t\n WHERE x', 100)).toBe('SELECT * FROM t WHERE x')
    expect(queryPreview('x'.repeat(20), 10)).toBe(`${'x'.repeat(9)}…`)
    expect(queryPreview(null)).toBe('')
  })
})
