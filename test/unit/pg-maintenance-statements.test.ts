import { describe, expect, it } from 'vitest'
import { describeOperation, maintenanceStatement, quoteIdentifier, targetLevel } from '../../src/main/postgres/maintenance/statements'
import type { MaintenanceTarget, VacuumOptions } from '../../src/main/postgres/maintenance/types'

const database = (name = 'shop'): MaintenanceTarget => ({ database: name, schema: null, table: null, index: null })
const table = (schema: string, name: string): MaintenanceTarget => ({ database: 'shop', schema, table: name, index: null })
const index = (schema: string, name: string): MaintenanceTarget => ({ database: 'shop', schema, table: null, index: name })
const mode = (full: boolean, freeze: boolean, analyze: boolean): VacuumOptions => ({ full, freeze, analyze })

describe('quoteIdentifier', () => {
  it.each([
    ['city', '"city"'],
    ['Order Lines', '"Order Lines"'],
    ['MixedCase', '"MixedCase"'],
    ['say "hi"', '"say ""hi"""'],
    ['x"; DROP TABLE y; --', '"x""; DROP TABLE y; --"'],
    ["o'brien", '"o\'brien"'],
    ['ünïcødé 表', '"ünïcødé 表"'],
    ['select', '"select"'],
    ['a.b', '"a.b"'],
    ['$1', '"$1"']
  ])('quotes %j as %s', (name, quoted) => {
    expect(quoteIdentifier(name)).toBe(quoted)
  })

  it('refuses names no object can have', () => {
    expect(() => quoteIdentifier('')).toThrow(/Invalid object name/)
    expect(() => quoteIdentifier('a\0b')).toThrow(/Invalid object name/)
  })
})

describe('maintenanceStatement', () => {
  it.each([
    [null, 'VACUUM'],
    [mode(false, false, false), 'VACUUM'],
    [mode(true, false, false), 'VACUUM (FULL)'],
    [mode(false, true, false), 'VACUUM (FREEZE)'],
    [mode(false, false, true), 'VACUUM (ANALYZE)'],
    [mode(true, false, true), 'VACUUM (FULL, ANALYZE)'],
    [mode(true, true, true), 'VACUUM (FULL, FREEZE, ANALYZE)']
  ])('VACUUM of a database with %j: %s', (options, statement) => {
    expect(maintenanceStatement('vacuum', database(), options)).toBe(statement)
  })

  it('VACUUMs and ANALYZEs a table by its quoted, schema-qualified name', () => {
    expect(maintenanceStatement('vacuum', table('public', 'city'), mode(true, false, true))).toBe('VACUUM (FULL, ANALYZE) "public"."city"')
    expect(maintenanceStatement('vacuum', table('Sales 2024', 'Order "Lines"'), null)).toBe('VACUUM "Sales 2024"."Order ""Lines"""')
    expect(maintenanceStatement('analyze', database(), null)).toBe('ANALYZE')
    expect(maintenanceStatement('analyze', table('public', 'x"; DROP TABLE y; --'), null)).toBe('ANALYZE "public"."x""; DROP TABLE y; --"')
  })

  it('REINDEXes a database by name, a table, an index', () => {
    expect(maintenanceStatement('reindex', database('My DB'), null)).toBe('REINDEX DATABASE "My DB"')
    expect(maintenanceStatement('reindex', table('public', 'City'), null)).toBe('REINDEX TABLE "public"."City"')
    expect(maintenanceStatement('reindex', index('public', 'city_pkey'), null)).toBe('REINDEX INDEX "public"."city_pkey"')
  })

  it('ignores VACUUM options for the other operations', () => {
    expect(maintenanceStatement('analyze', table('s', 't'), mode(true, true, true))).toBe('ANALYZE "s"."t"')
    expect(maintenanceStatement('reindex', table('s', 't'), mode(true, true, true))).toBe('REINDEX TABLE "s"."t"')
  })

  it('refuses targets the API does not define', () => {
    expect(() => maintenanceStatement('vacuum', index('public', 'city_pkey'), null)).toThrow(/must be a database, a table$/)
    expect(() => maintenanceStatement('analyze', { database: 'd', schema: 'public', table: null, index: null }, null)).toThrow(/No ANALYZE/)
    expect(() => maintenanceStatement('reindex', { database: 'd', schema: null, table: 't', index: null }, null)).toThrow(/or an index/)
    expect(() => targetLevel('reindex', { database: 'd', schema: 's', table: 't', index: 'i' })).toThrow()
  })
})

describe('describeOperation', () => {
  it('says what runs where', () => {
    expect(describeOperation('vacuum', table('public', 'city'), mode(true, false, false))).toBe('VACUUM (FULL) "public"."city" in database "shop"')
    expect(describeOperation('analyze', database(), null)).toBe('ANALYZE in database "shop"')
    expect(describeOperation('reindex', database(), null)).toBe('REINDEX DATABASE "shop"')
  })
})
