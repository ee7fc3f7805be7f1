import { describe, expect, it } from 'vitest'
import type { SettingRow, StatementRow } from '../../../src/shared/pg-agent'
import { agentDatetime, bloatShare, describeTarget, isDestructive, localInputValue, nextHour, vacuumMode } from '../../../src/renderer/src/views/postgres/maintenance-model'
import { definitionOf, enumChoices, isReadOnly, rangeText, searchSettings, valueProblem } from '../../../src/renderer/src/views/postgres/settings-model'
import { filterStatements, formatMs, hitRatio, sortStatements } from '../../../src/renderer/src/views/postgres/statements-model'
import { parseAgentTime } from '../../../src/renderer/src/views/postgres/format'

describe('maintenance rules', () => {
  it('turns the local date-time picker’s value into the agent’s UTC datetime, and back', () => {
    const local = '2030-03-05T03:00'
    expect(agentDatetime(local)).toBe(new Date(2030, 2, 5, 3, 0, 0).toISOString().replace('.000Z', 'Z'))
    expect(agentDatetime('tomorrow')).toBeNull()
    expect(agentDatetime('')).toBeNull()
    expect(localInputValue(new Date(2030, 2, 5, 3, 7).getTime())).toBe('2030-03-05T03:07')
    expect(nextHour(new Date(2030, 2, 5, 3, 7, 9).getTime())).toBe(new Date(2030, 2, 5, 4, 0, 0).getTime())
  })

  it('builds VACUUM’s mode, says which operations lock, and names targets', () => {
    expect(vacuumMode({ full: false, freeze: false, analyze: false })).toBeNull()
    expect(vacuumMode({ full: true, freeze: false, analyze: true })).toBe('full,analyze')
    expect(isDestructive('vacuum', { full: true, freeze: false, analyze: false })).toBe(true)
    expect(isDestructive('vacuum', { full: false, freeze: true, analyze: true })).toBe(false)
    expect(isDestructive('reindex', { full: false, freeze: false, analyze: false })).toBe(true)
    expect(isDestructive('analyze', { full: true, freeze: false, analyze: false })).toBe(false)
    expect(describeTarget({ database: 'shop', schema: null, table: null, index: null })).toBe('database shop')
    expect(describeTarget({ database: 'shop', schema: 'public', table: null, index: 'orders_pkey' })).toBe('public.orders_pkey in shop')
    expect(bloatShare(25, 100)).toBe(0.25)
    expect(bloatShare(null, 100)).toBeNull()
    expect(bloatShare(10, 0)).toBeNull()
  })

  it('reads the agent’s times', () => {
    expect(parseAgentTime('2024-05-01T10:00:00')).toBe(Date.parse('2024-05-01T10:00:00Z'))
    expect(parseAgentTime('2024-05-01 10:00:00.25+00')).toBe(Date.parse('2024-05-01T10:00:00.250Z'))
    expect(parseAgentTime(null)).toBeNull()
  })
})

const setting = (extra: Partial<SettingRow>): SettingRow => ({
  context: 'user',
  enumvals: null,
  max_val: 2147483647,
  vartype: 'integer',
  boot_val: 4096,
  reset_val: 4096,
  unit: 'kB',
  desc: 'Sets the maximum memory to be used for query workspaces.',
  name: 'work_mem',
  min_val: 64,
  setting: 4096,
  setting_raw: '4MB',
  pending_restart: 'f',
  ...extra
})

describe('configuration rules', () => {
  it('checks a value as the core will before ALTER SYSTEM', () => {
    expect(valueProblem(setting({}), '8MB')).toBeNull()
    expect(valueProblem(setting({}), 'lots')).toMatch(/integer/)
    expect(valueProblem(setting({}), '32kB')).toMatch(/below the minimum of 64 kB/)
    const enumRow = setting({ name: 'log_min_messages', vartype: 'enum', unit: null, min_val: null, max_val: null, enumvals: '{debug5,info,warning,error}' })
    expect(enumChoices(enumRow)).toEqual(['debug5', 'info', 'warning', 'error'])
    expect(valueProblem(enumRow, 'WARNING')).toBeNull()
    expect(valueProblem(enumRow, 'loud')).toMatch(/one of debug5, info, warning, error/)
    expect(definitionOf(setting({})).min_val).toBe('64')
    expect(isReadOnly(setting({ context: 'internal' }))).toBe(true)
    expect(valueProblem(setting({ context: 'internal' }), '8MB')).toMatch(/read-only/)
  })

  it('says the allowed values and finds settings by name or description', () => {
    expect(rangeText(setting({}))).toBe('64 … 2147483647 kB')
    expect(rangeText(setting({ unit: '8kB', min_val: 16, max_val: 1073741823 }))).toBe('16 … 1073741823 × 8kB')
    expect(rangeText(setting({ vartype: 'bool', unit: null }))).toBe('on · off')
    const categories = [
      { category: 'Memory', rows: [setting({}), setting({ name: 'shared_buffers', desc: 'Sets the number of shared memory buffers.' })] },
      { category: 'Autovacuum', rows: [setting({ name: 'autovacuum_naptime', desc: 'Time to sleep between autovacuum runs.' })] }
    ]
    expect(searchSettings(categories, 'WORKSPACES').map((group) => group.rows.map((row) => row.name))).toEqual([['work_mem']])
    expect(searchSettings(categories, 'autovacuum').map((group) => group.category)).toEqual(['Autovacuum'])
    expect(searchSettings(categories, '  ')).toBe(categories)
  })
})

const statement = (query: string, extra: Partial<StatementRow>): StatementRow => ({
  rolname: 'app',
  datname: 'shop',
  userid: 10,
  dbid: 5,
  queryid: '1',
  query,
  calls: 1,
  total_time: 1,
  min_time: 1,
  max_time: 1,
  mean_time: 1,
  stddev_time: 0,
  rows: 1,
  shared_blks_hit: 0,
  shared_blks_read: 0,
  shared_blks_dirtied: 0,
  shared_blks_written: 0,
  local_blks_hit: 0,
  local_blks_read: 0,
  local_blks_dirtied: 0,
  local_blks_written: 0,
  temp_blks_read: 0,
  temp_blks_written: 0,
  blk_read_time: 0,
  blk_write_time: 0,
  ...extra
})

describe('statements rules', () => {
  const rows = [
    statement('SELECT a', { calls: 10, total_time: 50, mean_time: 5, shared_blks_hit: 90, shared_blks_read: 10 }),
    statement('UPDATE b', { calls: 2, total_time: 500, mean_time: 250, shared_blks_hit: 0, shared_blks_read: 0 }),
    statement('DELETE c', { calls: 5, total_time: 5, mean_time: 1, shared_blks_hit: 1, shared_blks_read: 1, rolname: 'batch' })
  ]
  it('sorts by any column, both ways, and computes the hit ratio', () => {
    expect(sortStatements(rows, 'total_time', true).map((row) => row.query)).toEqual(['UPDATE b', 'SELECT a', 'DELETE c'])
    expect(sortStatements(rows, 'calls', false).map((row) => row.query)).toEqual(['UPDATE b', 'DELETE c', 'SELECT a'])
    expect(sortStatements(rows, 'hit_ratio', true).map((row) => row.query)).toEqual(['SELECT a', 'DELETE c', 'UPDATE b'])
    expect(sortStatements(rows, 'query', false).map((row) => row.query)).toEqual(['DELETE c', 'SELECT a', 'UPDATE b'])
    expect(hitRatio(rows[0]!)).toBe(90)
    expect(hitRatio(rows[1]!)).toBeNull()
  })

  it('searches the query, the role and the database, and writes times', () => {
    expect(filterStatements(rows, 'batch').map((row) => row.query)).toEqual(['DELETE c'])
    expect(filterStatements(rows, 'update').map((row) => row.query)).toEqual(['UPDATE b'])
    expect(formatMs(0.1234)).toBe('0.123 ms')
    expect(formatMs(42.25)).toBe('42.3 ms')
    expect(formatMs(1500)).toBe('1.50 s')
    expect(formatMs(125_000)).toBe('2 min 5 s')
  })
})
