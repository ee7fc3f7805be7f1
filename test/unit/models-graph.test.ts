// SQL models' pure parts: {{ ref() }} parsing and compiling, names, the statement kind, where an
// error points, the dependency order, cycles, unknown refs and what a run builds.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { buildOrder, checkGraph, findCycle, runPlan, unknownRef, type Graph } from '../../src/main/models/model-graph'
import { formatModelFile, parseModelFile } from '../../src/main/models/model-files'
import { compileSql, errorPosition, modelNameProblem, parseRefs, sqlProblem } from '../../src/main/models/model-sql'
import { storeTablesIn } from '../../src/main/models/store-tables'
import { scheduleMs } from '../../src/shared/models'

const graph = (entries: Record<string, string[]>): Graph => new Map(Object.entries(entries))

describe('refs', () => {
  it('finds each ref once, in order, with either quote and any spacing', () => {
    const sql = `SELECT * FROM {{ ref('a') }} JOIN {{ref("b")}} USING (x) JOIN {{  ref ( 'a' )  }} USING (y) WHERE z = '{{ not a ref'`
    expect(parseRefs(sql)).toEqual(['a', 'b'])
  })

  it('compiles each ref to a quoted name and drops a trailing semicolon', () => {
    expect(compileSql("SELECT * FROM {{ ref('cpu_by_server') }} ;\n")).toBe('SELECT * FROM "cpu_by_server"')
  })

  it('accepts lowercase identifiers only, and keeps vigil* and sqlite_* names', () => {
    expect(modelNameProblem('cpu_by_server')).toBeNull()
    expect(modelNameProblem('_x1')).toBeNull()
    for (const bad of ['', 'Cpu', '1x', 'a-b', 'a b', 'a'.repeat(64), '../etc', 'x.sql']) expect(modelNameProblem(bad), bad).toMatch(/not a model name/)
    expect(modelNameProblem('vigil_runs')).toMatch(/Vigil's or SQLite's own/)
    expect(modelNameProblem('sqlite_stat1')).toMatch(/Vigil's or SQLite's own/)
  })

  it('takes a SELECT, WITH or VALUES, after comments; refuses writes and unknown templates', () => {
    for (const ok of ['SELECT 1', '  -- a comment\n/* another */ with x as (select 1) select * from x', 'VALUES (1)']) expect(sqlProblem(ok), ok).toBeNull()
    for (const write of ['DELETE FROM vigil.servers', 'drop table x', 'INSERT INTO t VALUES (1)', 'PRAGMA writable_schema = 1', 'ATTACH DATABASE "x" AS y']) {
      expect(sqlProblem(write), write).toMatch(/only reads/)
    }
    expect(sqlProblem("SELECT * FROM {{ source('x', 'y') }}")).toMatch(/Unknown template expression/)
    expect(sqlProblem("SELECT * FROM {{ ref('Bad Name') }}")).toMatch(/ref\(\): 'Bad Name' is not a model name/)
  })
})

describe('store tables named', () => {
  it('finds the vigil tables a model reads, quoted or not, and nothing else', () => {
    const sql = 'SELECT * FROM vigil.vmstat v JOIN "vigil"."servers" s ON s.id = v.server_id JOIN VIGIL . iostat USING (server) JOIN vigil.nope JOIN other.vmstat'
    expect(storeTablesIn(sql).sort()).toEqual(['iostat', 'servers', 'vmstat'])
    expect(storeTablesIn("SELECT * FROM {{ ref('vigilant') }}")).toEqual([])
  })
})

describe('error positions', () => {
  it('points at the token SQLite names, as line and column (1-based)', () => {
    const sql = 'SELECT server,\n  avg(cpu_usr)\nFROM vigil.vmstat'
    expect(errorPosition(sql, 'no such column: cpu_usr')).toEqual({ line: 2, column: 7 })
    expect(errorPosition('SELECT a\nFORM t', 'near "t": syntax error')).toEqual({ line: 2, column: 6 })
    expect(errorPosition('SELECT * FROM nothing_here', 'no such table: main.nothing_here')).toEqual({ line: 1, column: 15 })
    expect(errorPosition('SELECT 1', 'out of memory')).toBeNull()
  })
})

describe('the dependency graph', () => {
  it('orders every model after its refs, stably', () => {
    const models = graph({ marts: ['staging_a', 'staging_b'], staging_b: ['raw'], staging_a: ['raw'], raw: [], lonely: [] })
    expect(buildOrder(models)).toEqual(['lonely', 'raw', 'staging_a', 'staging_b', 'marts'])
  })

  it('finds cycles, self-references included', () => {
    expect(findCycle(graph({ a: ['b'], b: ['c'], c: ['a'] }))).toEqual(['a', 'b', 'c', 'a'])
    expect(findCycle(graph({ a: ['a'] }))).toEqual(['a', 'a'])
    expect(findCycle(graph({ a: ['b'], b: [] }))).toBeNull()
    expect(() => checkGraph(graph({ x: ['y'], y: ['x'] }))).toThrow('Models refer to each other in a cycle: x → y → x')
  })

  it('names the first unknown ref', () => {
    expect(unknownRef(graph({ a: ['b'] }))?.message).toBe("Model 'a' refers to 'b', which is not a model: ref('b') is unknown")
    expect(() => checkGraph(graph({ a: ['zzz'] }))).toThrow(/ref\('zzz'\) is unknown/)
  })

  it('any acyclic graph: each model comes after all its refs', () => {
    // Edges only from a later name to an earlier one: acyclic by construction.
    const acyclic = fc.integer({ min: 1, max: 12 }).chain((size) =>
      fc.array(fc.array(fc.nat({ max: size - 1 }), { maxLength: 4 }), { minLength: size, maxLength: size }).map((edges) =>
        graph(Object.fromEntries(edges.map((targets, index) => [`m${index}`, targets.filter((t) => t < index).map((t) => `m${t}`)])))
      )
    )
    fc.assert(
      fc.property(acyclic, (models) => {
        const order = buildOrder(models)
        expect(order.length).toBe(models.size)
        for (const [name, refs] of models) for (const ref of refs) expect(order.indexOf(ref)).toBeLessThan(order.indexOf(name))
        expect(findCycle(models)).toBeNull()
      })
    )
  })

  it('plans a run: the model, with cascade what is downstream, and what it needs that was never built', () => {
    const models = graph({ raw: [], staging: ['raw'], marts: ['staging'], report: ['marts'], other: ['raw'] })
    const built = () => true
    expect(runPlan(models, 'staging', true, built)).toEqual(['staging', 'marts', 'report'])
    expect(runPlan(models, 'staging', false, built)).toEqual(['staging'])
    expect(runPlan(models, 'raw', true, built)).toEqual(['raw', 'other', 'staging', 'marts', 'report'])
    expect(runPlan(models, 'marts', false, (name) => name !== 'raw')).toEqual(['raw', 'marts'])
  })
})

describe('model files', () => {
  it('round-trip the header and the SQL', () => {
    const text = formatModelFile({ description: 'Two\nlines', materialization: 'table', schedule: null, timeLimit: null, sql: 'SELECT 1\n' })
    expect(text).toBe('-- description: Two lines\n-- materialization: table\nSELECT 1\n')
    expect(parseModelFile('m', text)).toEqual({ name: 'm', description: 'Two lines', materialization: 'table', schedule: null, timeLimit: null, sql: 'SELECT 1' })
    expect(parseModelFile('m', '-- just a comment\nSELECT 2')).toEqual({ name: 'm', description: '', materialization: 'view', schedule: null, timeLimit: null, sql: '-- just a comment\nSELECT 2' })
    const scheduled = formatModelFile({ description: '', materialization: 'view', schedule: '15m', timeLimit: null, sql: 'SELECT 3' })
    expect(scheduled).toBe('-- description: \n-- materialization: view\n-- schedule: 15m\nSELECT 3\n')
    expect(parseModelFile('m', scheduled).schedule).toBe('15m')
    expect(parseModelFile('m', '-- schedule: sometimes\nSELECT 4').schedule).toBeNull()
  })

  it('keep a time limit in the header only when the model has one', () => {
    const limited = formatModelFile({ description: '', materialization: 'table', schedule: '1h', timeLimit: 30, sql: 'SELECT 5' })
    expect(limited).toBe('-- description: \n-- materialization: table\n-- schedule: 1h\n-- time_limit: 30\nSELECT 5\n')
    expect(parseModelFile('m', limited).timeLimit).toBe(30)
    expect(parseModelFile('m', '-- time_limit: 600s\nSELECT 6').timeLimit).toBe(600)
    for (const bad of ['0', 'soon', '-5', '86401', '1.5']) expect(parseModelFile('m', `-- time_limit: ${bad}\nSELECT 7`).timeLimit, bad).toBeNull()
  })

  it('reads schedules as intervals', () => {
    expect(scheduleMs('15m')).toBe(900_000)
    expect(scheduleMs('2h')).toBe(7_200_000)
    expect(scheduleMs('1d')).toBe(86_400_000)
    for (const bad of [null, '', '0m', '5s', '1w', 'm', '1.5h', ' 1h']) expect(scheduleMs(bad), String(bad)).toBeNull()
  })
})
