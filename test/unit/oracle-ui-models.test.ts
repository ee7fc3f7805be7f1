// Pure UI logic of the table-monitoring views: the diff as rows to draw, the timeline's bars,
// and the two form models (checked with the same TypeBox schemas the core enforces).
import { describe, expect, it } from 'vitest'
import {
  OracleDatabaseCreateSchema,
  OracleDatabaseUpdateSchema,
  OracleTableConfigSchema,
  OracleTableCreateSchema,
  type ChangeSummary,
  type OracleDatabase,
  type OracleTable,
  type SnapshotDiffView,
  type SnapshotSummary,
  type TableColumns
} from '../../src/shared/oracle'
import { check } from '../../src/shared/validation'
import { describeAddress, emptyDatabaseForm, formFromDatabase, toDatabaseCreate, toDatabaseUpdate, withEngine } from '../../src/renderer/src/views/oracle/database-form-model'
import {
  cellText,
  changeSentence,
  changeText,
  compareValues,
  formatAgo,
  formatDuration,
  formatInterval,
  shapeDiff,
  timelineBars
} from '../../src/renderer/src/views/oracle/diff-model'
import {
  emptyTableForm,
  formFromTable,
  tableFormIssues,
  toggleColumn,
  toTableCreate,
  toTableUpdate,
  withAllColumns,
  withTable
} from '../../src/renderer/src/views/oracle/table-form-model'

const SERVER_ID = '550e8400-e29b-41d4-a716-446655440000'

const diff = (overrides: Partial<SnapshotDiffView> = {}): SnapshotDiffView => ({
  snapshot_id: 7,
  previous_snapshot_id: 6,
  table: 1,
  timestamp: '2026-01-01T10:00:00Z',
  baseline: false,
  columns: ['Warehouse', 'Sku', 'Qty', 'Note'],
  key_columns: ['Warehouse', 'Sku'],
  added: [{ Warehouse: 'south', Sku: 2, Qty: 5, Note: null }],
  removed: [{ Warehouse: 'north', Sku: 2, Qty: 20, Note: 'nuts' }],
  changed: [
    {
      key: { Warehouse: 'north', Sku: 1 },
      before: { Warehouse: 'north', Sku: 1, Qty: 10, Note: 'bolts' },
      after: { Warehouse: 'north', Sku: 1, Qty: 11, Note: null },
      columns: ['Qty', 'Note']
    }
  ],
  unchanged: 1,
  duplicate_keys: 0,
  ...overrides
})

describe('diff shaping', () => {
  it('lists added, removed and changed rows in key order, changed cells with their value before', () => {
    const rows = shapeDiff(diff())
    expect(rows.map((row) => [row.kind, row.cells[0]?.text, row.cells[1]?.text])).toEqual([
      ['changed', 'north', '1'],
      ['removed', 'north', '2'],
      ['added', 'south', '2']
    ])
    const changed = rows[0]
    expect(changed?.cells.map((cell) => cell.changed)).toEqual([false, false, true, true])
    expect(changed?.cells[2]).toEqual({ column: 'Qty', text: '11', isNull: false, changed: true, before: { text: '10', isNull: false } })
    expect(changed?.cells[3]).toEqual({ column: 'Note', text: 'NULL', isNull: true, changed: true, before: { text: 'bolts', isNull: false } })
    expect(rows[2]?.cells[3]).toEqual({ column: 'Note', text: 'NULL', isNull: true, changed: false })
  })

  it('leaves out the kinds not shown, and keeps ids unique when a key repeats', () => {
    expect(shapeDiff(diff(), { added: true, removed: false, changed: false }).map((row) => row.kind)).toEqual(['added'])
    const repeated = shapeDiff(diff({ added: [{ Warehouse: 'x', Sku: 1 }, { Warehouse: 'x', Sku: 1 }], removed: [], changed: [] }))
    expect(new Set(repeated.map((row) => row.id)).size).toBe(2)
  })

  it('orders numbers by value, text naturally, NULL last; a removed row comes before one added under the same key', () => {
    const rows = shapeDiff(
      diff({
        columns: ['id'],
        key_columns: ['id'],
        added: [{ id: 10 }, { id: 2 }, { id: null }, { id: 3 }],
        removed: [{ id: 3 }],
        changed: []
      })
    )
    expect(rows.map((row) => `${row.kind}:${row.cells[0]?.text}`)).toEqual(['added:2', 'removed:3', 'added:3', 'added:10', 'added:NULL'])
    expect(compareValues('item2', 'item10')).toBeLessThan(0)
  })

  it('writes values as text: NULL apart from the text NULL, JSON for objects', () => {
    expect(cellText(null)).toEqual({ text: 'NULL', isNull: true })
    expect(cellText('NULL')).toEqual({ text: 'NULL', isNull: false })
    expect(cellText(0)).toEqual({ text: '0', isNull: false })
    expect(cellText(false).text).toBe('false')
    expect(cellText({ a: [1, 2] }).text).toBe('{"a":[1,2]}')
  })
})

const changes = (overrides: Partial<ChangeSummary> = {}): ChangeSummary => ({
  added: 0,
  removed: 0,
  changed: 0,
  baseline: false,
  keys: { added: [], removed: [], changed: [] },
  keys_truncated: false,
  ...overrides
})
const snapshot = (id: number, summary: ChangeSummary): SnapshotSummary => ({
  id,
  table: 1,
  table_name: 'T',
  database_name: 'D',
  server_name: 'S',
  record_count: 3,
  timestamp: `2026-01-01T10:0${id}:00Z`,
  collection_duration: 0.01,
  data_preview: [],
  schema_name: 'S',
  full_table_name: 'S.T',
  database_id: 1,
  server_id: SERVER_ID,
  task_id: id,
  truncated: false,
  changes_detected: summary.added + summary.removed + summary.changed > 0,
  changes: summary
})

describe('timeline', () => {
  it('draws bars oldest first, scaled to the busiest snapshot; a baseline has no bar', () => {
    const bars = timelineBars([snapshot(3, changes({ added: 1, removed: 1, changed: 2 })), snapshot(2, changes()), snapshot(1, changes({ baseline: true }))])
    expect(bars.map((bar) => bar.id)).toEqual([1, 2, 3])
    expect(bars[0]).toMatchObject({ baseline: true, shares: { added: 0, removed: 0, changed: 0 } })
    expect(bars[2]?.shares).toEqual({ added: 0.25, removed: 0.25, changed: 0.5 })
    expect(timelineBars([])).toEqual([])
  })

  it('says what changed in a few characters and in words', () => {
    expect(changeText(changes({ added: 1, removed: 2, changed: 3 }))).toBe('+1 −2 ~3')
    expect(changeText(changes({ changed: 3 }))).toBe('~3')
    expect(changeText(changes())).toBe('no changes')
    expect(changeText(changes({ baseline: true }))).toBe('baseline')
    expect(changeSentence(changes({ added: 1 }))).toBe('1 added, 0 removed, 0 changed')
  })

  it('formats durations, intervals and ages', () => {
    expect(formatDuration(0.0123)).toBe('12 ms')
    expect(formatDuration(1.44)).toBe('1.4 s')
    expect(formatDuration(125)).toBe('2 min 5 s')
    expect(formatDuration(null)).toBe('—')
    expect(formatInterval(60)).toBe('every 60 s')
    expect(formatInterval(300)).toBe('every 5 min')
    expect(formatInterval(7200)).toBe('every 2 h')
    const now = Date.parse('2026-01-01T10:10:00Z')
    expect(formatAgo(null, now)).toBe('never')
    expect(formatAgo('2026-01-01T10:09:58Z', now)).toBe('just now')
    expect(formatAgo('2026-01-01T10:09:30Z', now)).toBe('30 s ago')
    expect(formatAgo('2026-01-01T10:00:00Z', now)).toBe('10 min ago')
  })
})

const database = (overrides: Partial<OracleDatabase> = {}): OracleDatabase => ({
  id: 1,
  server: { id: SERVER_ID, hostname: 'db-01' },
  server_id: SERVER_ID,
  server_name: 'db-01',
  name: 'ProductionDB',
  engine: 'oracle',
  host: '192.0.2.200',
  port: 1521,
  sid: null,
  service_name: 'prod.example.com',
  database: null,
  username: 'monitor_user',
  password_set: true,
  connection_timeout: 30,
  is_active: true,
  created_at: '2026-01-01T00:00:00Z',
  updated_at: '2026-01-01T00:00:00Z',
  last_connection_test: null,
  connection_status: 'unknown',
  connection_status_display: 'Unknown',
  connection_error: null,
  database_version: null,
  monitored_tables_count: 0,
  ...overrides
})

describe('database form model', () => {
  it('sends one Oracle address (the one chosen), integers typed, and passes the create schema', () => {
    const values = { ...emptyDatabaseForm(), name: ' ProductionDB ', server_id: SERVER_ID, host: '192.0.2.200', username: 'monitor_user', password: 'secret', sid: 'PROD', service_name: 'ignored' }
    const bySid = toDatabaseCreate({ ...values, oracle_by: 'sid' })
    expect(bySid).toEqual({
      engine: 'oracle',
      is_active: true,
      name: 'ProductionDB',
      server_id: SERVER_ID,
      host: '192.0.2.200',
      username: 'monitor_user',
      port: 1521,
      connection_timeout: 30,
      sid: 'PROD',
      password: 'secret'
    })
    expect(check(OracleDatabaseCreateSchema, bySid).ok).toBe(true)
    expect(toDatabaseCreate({ ...values, oracle_by: 'service_name' })).toMatchObject({ service_name: 'ignored' })
    expect(toDatabaseCreate({ ...values, oracle_by: 'service_name' })).not.toHaveProperty('sid')
  })

  it('takes a PostgreSQL database by name, moving the port to 5432 unless it was changed', () => {
    const pg = withEngine({ ...emptyDatabaseForm(), database: 'shop' }, 'postgresql')
    expect(pg.port).toBe('5432')
    expect(withEngine({ ...emptyDatabaseForm(), port: '1600' }, 'postgresql').port).toBe('1600')
    expect(toDatabaseCreate({ ...pg, sid: 'stale' })).toMatchObject({ engine: 'postgresql', port: 5432, database: 'shop' })
    expect(toDatabaseCreate({ ...pg, sid: 'stale' })).not.toHaveProperty('sid')
  })

  it('lets the schema name the field typed wrong', () => {
    const result = check(OracleDatabaseCreateSchema, toDatabaseCreate({ ...emptyDatabaseForm(), name: 'x', server_id: SERVER_ID, host: 'bad host!', username: 'u', port: '99999' }))
    expect(result.ok).toBe(false)
    if (!result.ok) expect(result.issues.map((issue) => issue.field).sort()).toEqual(['host', 'port'])
    const missing = check(OracleDatabaseCreateSchema, toDatabaseCreate(emptyDatabaseForm()))
    if (!missing.ok) expect(missing.issues.map((issue) => issue.field)).toEqual(['server_id', 'name', 'host', 'username'])
  })

  it('sends only what changed; the password is kept unless typed or forgotten; switching address clears the other', () => {
    const original = database()
    expect(toDatabaseUpdate(formFromDatabase(original), original)).toEqual({})
    expect(toDatabaseUpdate({ ...formFromDatabase(original), host: 'db2.example.com', port: '1522' }, original)).toEqual({ host: 'db2.example.com', port: 1522 })
    expect(toDatabaseUpdate({ ...formFromDatabase(original), password: 'new' }, original)).toEqual({ password: 'new' })
    expect(toDatabaseUpdate({ ...formFromDatabase(original), clear_password: true, password: 'ignored' }, original)).toEqual({ password: '' })
    const switched = toDatabaseUpdate({ ...formFromDatabase(original), oracle_by: 'sid', sid: 'PROD' }, original)
    expect(switched).toEqual({ sid: 'PROD', service_name: null })
    expect(check(OracleDatabaseUpdateSchema, switched).ok).toBe(true)
    const pg = database({ engine: 'postgresql', sid: null, service_name: null, database: 'shop', port: 5432 })
    expect(formFromDatabase(pg).database).toBe('shop')
    expect(toDatabaseUpdate({ ...formFromDatabase(pg), database: 'shop2' }, pg)).toEqual({ database: 'shop2' })
  })

  it('writes the connect target in one line', () => {
    expect(describeAddress(database())).toBe('192.0.2.200:1521/prod.example.com')
    expect(describeAddress(database({ sid: 'PROD', service_name: null }))).toBe('192.0.2.200:1521 SID PROD')
    expect(describeAddress(database({ engine: 'postgresql', host: '::1', port: 5432, service_name: null, database: 'shop' }))).toBe('[::1]:5432/shop')
  })
})

const described: TableColumns = {
  schema_name: 'Inventory',
  table_name: 'StockItems',
  row_estimate: 3,
  columns: [
    { name: 'Warehouse', type: 'text', nullable: false },
    { name: 'Sku', type: 'integer', nullable: false },
    { name: 'Qty', type: 'integer', nullable: false },
    { name: 'Note', type: 'text', nullable: true }
  ],
  primary_key: ['Warehouse', 'Sku']
}

const table = (overrides: Partial<OracleTable> = {}): OracleTable => ({
  id: 4,
  database: 1,
  table_name: 'StockItems',
  schema_name: 'Inventory',
  full_table_name: 'Inventory.StockItems',
  is_active: true,
  polling_interval: 60,
  last_record_count: null,
  monitoring_status: 'active',
  database_id: 1,
  database_name: 'ShopDB',
  server_id: SERVER_ID,
  server_name: 'db-01',
  columns_to_monitor: [],
  where_clause: null,
  order_by: null,
  max_rows: 10_000,
  skip_unchanged: false,
  key_columns: ['Warehouse', 'Sku'],
  last_snapshot_at: null,
  last_error: null,
  created_at: '2026-01-01T00:00:00Z',
  updated_at: '2026-01-01T00:00:00Z',
  ...overrides
})

describe('table form model', () => {
  it('adds a table with all columns by default, and passes the create schema', () => {
    const values = withTable(emptyTableForm(), described)
    const input = toTableCreate(values, 1)
    expect(input).toEqual({
      database_id: 1,
      schema_name: 'Inventory',
      table_name: 'StockItems',
      columns_to_monitor: [],
      skip_unchanged: false,
      is_active: true,
      polling_interval: 60,
      max_rows: 10_000
    })
    expect(check(OracleTableCreateSchema, input).ok).toBe(true)
    expect(tableFormIssues(emptyTableForm())).toEqual({ table_name: 'Choose a table.' })
  })

  it('picks columns in table order; the key columns cannot be left out', () => {
    let values = withAllColumns(withTable(emptyTableForm(), described), false, described)
    expect(values.columns).toEqual(['Warehouse', 'Sku', 'Qty', 'Note'])
    values = toggleColumn(values, 'Qty', described)
    values = toggleColumn(values, 'Sku', described)
    expect(values.columns).toEqual(['Warehouse', 'Sku', 'Note'])
    values = toggleColumn(values, 'Qty', described)
    expect(values.columns).toEqual(['Warehouse', 'Sku', 'Qty', 'Note'])
    expect(toTableCreate({ ...values, where_clause: ` "Qty" > 0 `, order_by: 'Qty DESC', polling_interval: '30' }, 1)).toMatchObject({
      columns_to_monitor: ['Warehouse', 'Sku', 'Qty', 'Note'],
      where_clause: '"Qty" > 0',
      order_by: 'Qty DESC',
      polling_interval: 30
    })
    const keyless = { ...described, primary_key: [] }
    const none = ['Warehouse', 'Sku', 'Qty', 'Note'].reduce((current, column) => toggleColumn(current, column, keyless), withAllColumns(withTable(emptyTableForm(), keyless), false, keyless))
    expect(tableFormIssues(none)).toEqual({ columns_to_monitor: 'Choose at least one column, or watch all of them.' })
  })

  it('lets the schema refuse what it can: a polling interval out of range, text for a number', () => {
    const values = { ...withTable(emptyTableForm(), described), polling_interval: '2', max_rows: 'lots' }
    const result = check(OracleTableCreateSchema, toTableCreate(values, 1))
    expect(result.ok).toBe(false)
    if (!result.ok) expect(result.issues.map((issue) => issue.field).sort()).toEqual(['max_rows', 'polling_interval'])
  })

  it('updates only what changed; emptied WHERE and ORDER BY become null', () => {
    const original = table({ columns_to_monitor: ['Warehouse', 'Sku', 'Qty'], where_clause: '"Qty" > 0', order_by: 'Qty' })
    const values = formFromTable(original)
    expect(values.all_columns).toBe(false)
    expect(toTableUpdate(values, original)).toEqual({})
    const changes = toTableUpdate({ ...values, where_clause: ' ', order_by: '', polling_interval: '120', is_active: false }, original)
    expect(changes).toEqual({ where_clause: null, order_by: null, polling_interval: 120, is_active: false })
    expect(check(OracleTableConfigSchema, changes).ok).toBe(true)
    expect(toTableUpdate({ ...values, all_columns: true }, original)).toEqual({ columns_to_monitor: [] })
  })
})
