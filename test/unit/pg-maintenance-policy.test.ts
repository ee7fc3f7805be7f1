import { describe, expect, it } from 'vitest'
import { isMissed, jobsOverlap } from '../../src/main/postgres/maintenance/policy'
import type { MaintenanceJob } from '../../src/main/postgres/maintenance/types'

type Scope = Pick<MaintenanceJob, 'instanceId' | 'target' | 'indexTable'>

const onDatabase = (database = 'shop', instanceId = 1): Scope => ({ instanceId, target: { database, schema: null, table: null, index: null }, indexTable: null })
const onTable = (schema: string, table: string, database = 'shop'): Scope => ({ instanceId: 1, target: { database, schema, table, index: null }, indexTable: null })
const onIndex = (schema: string, index: string, table: string): Scope => ({ instanceId: 1, target: { database: 'shop', schema, table: null, index }, indexTable: table })

describe('jobsOverlap', () => {
  it.each([
    ['the same table', onTable('public', 'city'), onTable('public', 'city'), true],
    ['two tables', onTable('public', 'city'), onTable('public', 'country'), false],
    ['same table name in two schemas', onTable('public', 'city'), onTable('archive', 'city'), false],
    ['same table in two databases', onTable('public', 'city'), onTable('public', 'city', 'other'), false],
    ['a table and its index', onTable('public', 'city'), onIndex('public', 'city_pkey', 'city'), true],
    ['a table and another table’s index', onTable('public', 'city'), onIndex('public', 'country_pkey', 'country'), false],
    ['two indexes of one table', onIndex('public', 'city_pkey', 'city'), onIndex('public', 'city_name', 'city'), true],
    ['a database and one of its tables', onDatabase(), onTable('public', 'city'), true],
    ['a database and an index in it', onIndex('public', 'city_pkey', 'city'), onDatabase(), true],
    ['two jobs on one database', onDatabase(), onDatabase(), true],
    ['two databases', onDatabase('shop'), onDatabase('other'), false],
    ['one database name on two instances', onDatabase('shop', 1), onDatabase('shop', 2), false],
    ['names differing in case only', onTable('public', 'City'), onTable('public', 'city'), false]
  ])('%s: %s', (_name, a, b, expected) => {
    expect(jobsOverlap(a, b)).toBe(expected)
    expect(jobsOverlap(b, a)).toBe(expected)
  })
})

describe('isMissed', () => {
  const HOUR = 3_600_000
  const at = Date.UTC(2030, 0, 1, 3)

  it('runs a job less than the grace period late, misses one later', () => {
    expect(isMissed({ scheduledAt: at, requestedAt: at - HOUR }, at + HOUR - 1, HOUR, false)).toBe(false)
    expect(isMissed({ scheduledAt: at, requestedAt: at - HOUR }, at + HOUR, HOUR, false)).toBe(false)
    expect(isMissed({ scheduledAt: at, requestedAt: at - HOUR }, at + HOUR + 1, HOUR, false)).toBe(true)
  })

  it('never misses a job that waited for another on its relation', () => {
    expect(isMissed({ scheduledAt: at, requestedAt: at - HOUR }, at + 10 * HOUR, HOUR, true)).toBe(false)
  })

  it('counts from the request when it asked for a time already past', () => {
    expect(isMissed({ scheduledAt: at - 5 * HOUR, requestedAt: at }, at + 1000, HOUR, false)).toBe(false)
    expect(isMissed({ scheduledAt: at - 5 * HOUR, requestedAt: at }, at + 2 * HOUR, HOUR, false)).toBe(true)
  })
})
