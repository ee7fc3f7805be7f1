// Table monitoring ("Oracle Monitoring APIs" and the Oracle Data Updates WebSocket) end to end:
// Vigil's real API against a real throwaway PostgreSQL cluster, registered as a database of
// engine 'postgresql' and read through PostgresSource, the same pipeline an Oracle database goes
// through. Rows the test inserts, updates and deletes must come back as added, changed and
// removed over every surface.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { startApi, validServer, type TestApi } from '../helpers/api'
import { startPostgres, type Postgres, type RoleCredentials } from '../helpers/postgres'

const TIMESTAMP = expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/)
const validationError = (details: Record<string, unknown>) => ({ error: 'Validation error', details, timestamp: TIMESTAMP })
const DB = 'shop'
const TABLE = '"Inventory"."StockItems"'

let api: TestApi
let pg: Postgres
let reader: RoleCredentials
let serverId: string
let databaseId: number
let tableId: number

/** Runs SQL in the monitored database as the superuser. */
const sql = (text: string, params: unknown[] = []) => pg.query(text, params, DB)

beforeAll(async () => {
  ;[api, pg] = await Promise.all([startApi(), startPostgres()])
  reader = await pg.createRole('vigil_reader', 'reader-secret-1')
  await pg.createDatabase(DB)
  await sql(`CREATE SCHEMA "Inventory"`)
  await sql(`CREATE TABLE ${TABLE} (
    "Warehouse" text NOT NULL,
    "Sku" integer NOT NULL,
    "Qty" integer NOT NULL,
    "Note" text,
    "Updated" timestamptz NOT NULL DEFAULT '2024-08-07T10:30:00Z',
    PRIMARY KEY ("Warehouse", "Sku"))`)
  await sql(`INSERT INTO ${TABLE} ("Warehouse", "Sku", "Qty", "Note") VALUES
    ('north', 1, 10, 'bolts'), ('north', 2, 20, 'nuts'), ('south', 1, 30, NULL)`)
  await sql(`GRANT CONNECT ON DATABASE ${DB} TO vigil_reader`)
  await sql(`GRANT USAGE ON SCHEMA "Inventory" TO vigil_reader`)
  await sql(`GRANT SELECT ON ALL TABLES IN SCHEMA "Inventory" TO vigil_reader`)
  await sql(`ALTER DEFAULT PRIVILEGES IN SCHEMA "Inventory" GRANT SELECT ON TABLES TO vigil_reader`)
  serverId = (await api.request('POST', '/api/servers/create/', { body: validServer({ hostname: 'db-server-01' }) })).body.server.id
})
afterAll(async () => {
  await api?.close()
  await pg?.stop()
})

const database = (overrides: Record<string, unknown> = {}) => ({
  server_id: serverId,
  name: 'ShopDB',
  engine: 'postgresql',
  host: '127.0.0.1',
  port: pg.port,
  database: DB,
  username: reader.user,
  password: reader.password,
  connection_timeout: 5,
  ...overrides
})
const monitorNow = (id = tableId) => api.request('POST', `/api/oracle-tables/${id}/monitor_now/`)
const updateConfig = (body: Record<string, unknown>, id = tableId) => api.request('POST', `/api/oracle-tables/${id}/update_config/`, { body })

function openSocket(path: string): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(`${api.url.replace('http', 'ws')}${path}`, { headers: { Authorization: `Bearer ${api.token}` } })
    socket.once('open', () => resolve(socket))
    socket.once('error', reject)
  })
}
const nextMessage = (socket: WebSocket) => new Promise<any>((resolve) => socket.once('message', (data) => resolve(JSON.parse(String(data)))))

describe('databases', () => {
  it('registers a PostgreSQL database and tests its connection for real', async () => {
    const created = await api.request('POST', '/api/oracle-databases/', { body: database() })
    expect(created.status).toBe(201)
    databaseId = created.body.id
    expect(created.body).toEqual({
      id: expect.any(Number),
      server: { id: serverId, hostname: 'db-server-01' },
      server_id: serverId,
      server_name: 'db-server-01',
      name: 'ShopDB',
      engine: 'postgresql',
      host: '127.0.0.1',
      port: pg.port,
      sid: null,
      service_name: null,
      database: DB,
      username: 'vigil_reader',
      password_set: true,
      connection_timeout: 5,
      is_active: true,
      created_at: TIMESTAMP,
      updated_at: TIMESTAMP,
      last_connection_test: null,
      connection_status: 'unknown',
      connection_status_display: 'Unknown',
      connection_error: null,
      database_version: null,
      monitored_tables_count: 0
    })
    expect(created.text).not.toContain(reader.password)

    const test = await api.request('POST', `/api/oracle-databases/${databaseId}/test_connection/`)
    expect(test.status).toBe(200)
    expect(test.body).toMatchObject({ success: true, message: 'Connection successful', database_version: expect.stringMatching(/^PostgreSQL \d+/) })
    expect(test.body.connection_time).toBeGreaterThan(0)
    expect(test.body.connection_time).toBeLessThan(5)

    const listed = await api.request('GET', `/api/oracle-databases/?server_id=${serverId}`)
    expect(listed.body).toHaveLength(1)
    expect(listed.body[0]).toMatchObject({ id: databaseId, connection_status: 'connected', connection_status_display: 'Connected', last_connection_test: TIMESTAMP })
    expect((await api.request('GET', '/api/oracle-databases/?server_id=550e8400-e29b-41d4-a716-446655440000')).body).toEqual([])
  })

  it('reports a failed connection test with success false', async () => {
    const other = await api.request('POST', '/api/oracle-databases/', { body: database({ name: 'WrongPassword', password: 'not-it' }) })
    const test = await api.request('POST', `/api/oracle-databases/${other.body.id}/test_connection/`)
    expect(test.status).toBe(400)
    expect(test.body).toMatchObject({ success: false, connection_time: null, connection_status: 'failed' })
    expect(test.body.message).toMatch(/refused user 'vigil_reader'/)
    const status = await api.request('GET', `/api/oracle-databases/${other.body.id}/status/`)
    expect(status.body).toEqual({
      database: { id: other.body.id, name: 'WrongPassword', connection_status: 'failed' },
      statistics: { table_count: 0, recent_tasks: 0, connection_status: 'failed', last_connection_test: TIMESTAMP },
      latest_snapshots: []
    })
    expect((await api.request('DELETE', `/api/oracle-databases/${other.body.id}/`)).status).toBe(204)
    expect((await api.request('GET', `/api/oracle-databases/${other.body.id}/`)).status).toBe(404)
  })

  it('takes Oracle databases by SID or service name, exactly one of them, and PostgreSQL ones by database', async () => {
    const oracle = { server_id: serverId, name: 'ProductionDB', host: '192.0.2.200', username: 'monitor_user', password: 'password123' }
    const bySid = await api.request('POST', '/api/oracle-databases/', { body: { ...oracle, sid: 'PROD', port: 1521, connection_timeout: 30 } })
    expect(bySid.status).toBe(201)
    expect(bySid.body).toMatchObject({ engine: 'oracle', sid: 'PROD', service_name: null, database: null, port: 1521, password_set: true })
    const byService = await api.request('POST', '/api/oracle-databases/', { body: { ...oracle, name: 'Svc', service_name: 'prod.example.com' } })
    expect(byService.body).toMatchObject({ engine: 'oracle', sid: null, service_name: 'prod.example.com', port: 1521, connection_timeout: 30 })

    const both = await api.request('POST', '/api/oracle-databases/', { body: { ...oracle, name: 'Both', sid: 'A', service_name: 'b' } })
    expect(both.status).toBe(400)
    expect(both.body).toEqual(validationError({ service_name: ['Give either sid or service_name, not both.'] }))
    const neither = await api.request('POST', '/api/oracle-databases/', { body: { ...oracle, name: 'Neither' } })
    expect(neither.body.details).toEqual({ sid: ['Give either sid or service_name.'] })
    const pgWithSid = await api.request('POST', '/api/oracle-databases/', { body: database({ name: 'Mixed', sid: 'PROD', database: null }) })
    expect(Object.keys(pgWithSid.body.details).sort()).toEqual(['database', 'sid'])
    const duplicate = await api.request('POST', '/api/oracle-databases/', { body: { ...oracle, sid: 'X' } })
    expect(duplicate.body.details).toEqual({ name: ["A database named 'ProductionDB' already exists."] })
    const missing = await api.request('POST', '/api/oracle-databases/', { body: { name: 'x' } })
    expect(missing.status).toBe(400)
    expect(missing.body.required_fields).toEqual(['server_id', 'name', 'host', 'username'])

    const changed = await api.request('PUT', `/api/oracle-databases/${bySid.body.id}/`, { body: { ...bySid.body, sid: '', service_name: 'prod', password: 'new' } })
    expect(changed.status).toBe(200)
    expect(changed.body).toMatchObject({ sid: null, service_name: 'prod', connection_status: 'unknown' })
    expect((await api.request('PATCH', `/api/oracle-databases/${bySid.body.id}/`, { body: { engine: 'postgresql' } })).status).toBe(400)
    for (const id of [bySid.body.id, byService.body.id]) await api.request('DELETE', `/api/oracle-databases/${id}/`)
  })

  it('discovers and describes tables from the dictionary', async () => {
    const discovered = await api.request('GET', `/api/oracle-databases/${databaseId}/discover_tables/?schema_name=Inventory`)
    expect(discovered.status).toBe(200)
    expect(discovered.body).toEqual([
      { schema_name: 'Inventory', table_name: 'StockItems', full_table_name: 'Inventory.StockItems', row_estimate: expect.toSatisfy((n) => n === null || typeof n === 'number'), monitored_table_id: null }
    ])
    const described = await api.request('GET', `/api/oracle-databases/${databaseId}/describe_table/?schema_name=Inventory&table_name=StockItems`)
    expect(described.body.columns.map((c: { name: string }) => c.name)).toEqual(['Warehouse', 'Sku', 'Qty', 'Note', 'Updated'])
    expect(described.body.primary_key).toEqual(['Warehouse', 'Sku'])
  })
})

describe('tables, snapshots and changes', () => {
  it('adds a table by its mixed-case name, typed without case', async () => {
    const added = await api.request('POST', '/api/oracle-tables/', {
      body: { database_id: databaseId, schema_name: 'inventory', table_name: 'stockitems', polling_interval: 30 }
    })
    expect(added.status).toBe(201)
    tableId = added.body.id
    expect(added.body).toMatchObject({
      id: expect.any(Number),
      database: databaseId,
      table_name: 'StockItems',
      schema_name: 'Inventory',
      full_table_name: 'Inventory.StockItems',
      is_active: true,
      polling_interval: 30,
      last_record_count: null,
      monitoring_status: 'active',
      columns_to_monitor: [],
      where_clause: null,
      order_by: null,
      max_rows: 10000,
      key_columns: ['Warehouse', 'Sku'],
      server_id: serverId,
      server_name: 'db-server-01'
    })
    const tables = await api.request('GET', `/api/oracle-databases/${databaseId}/tables/`)
    expect(tables.body.map((t: { id: number }) => t.id)).toEqual([tableId])
    expect((await api.request('GET', `/api/oracle-tables/?server_id=${serverId}`)).body).toHaveLength(1)
    expect((await api.request('GET', `/api/oracle-tables/?database_id=${databaseId + 1000}`)).body).toEqual([])
    const again = await api.request('POST', '/api/oracle-tables/', { body: { database_id: databaseId, schema_name: 'Inventory', table_name: 'StockItems' } })
    expect(again.body.details).toEqual({ table_name: ["Inventory.StockItems is already monitored on database 'ShopDB'."] })
    const unknown = await api.request('POST', '/api/oracle-tables/', { body: { database_id: databaseId, schema_name: 'Inventory', table_name: 'Nope' } })
    expect(unknown.status).toBe(400)
    expect(Object.keys(unknown.body.details)).toEqual(['table_name'])
  })

  it('reports a first snapshot as a baseline, then rows added, changed and removed', async () => {
    const socket = await openSocket(`/ws/oracle_updates_${serverId}/`)
    try {
      const first = nextMessage(socket)
      const baseline = await monitorNow()
      expect(baseline.status).toBe(200)
      expect(baseline.body).toEqual({
        success: true,
        message: 'Monitoring task completed',
        task_id: expect.any(Number),
        records_collected: 3,
        collection_time: expect.any(Number),
        snapshot_id: expect.any(Number),
        changes_detected: false,
        truncated: false
      })
      const baselineMessage = await first
      expect(baselineMessage).toMatchObject({ type: 'oracle_data_update', server_id: serverId, server_name: 'db-server-01', table_id: tableId, record_count: 3, changes_detected: false })
      expect(baselineMessage.changes).toMatchObject({ baseline: true, added: 0, removed: 0, changed: 0 })

      const current = await api.request('GET', `/api/oracle-tables/${tableId}/current_data/`)
      expect(current.body).toMatchObject({
        table: { id: tableId, table_name: 'StockItems', schema_name: 'Inventory' },
        record_count: 3,
        timestamp: TIMESTAMP,
        key_columns: ['Warehouse', 'Sku'],
        truncated: false
      })
      expect(current.body.data).toEqual([
        { Warehouse: 'north', Sku: 1, Qty: 10, Note: 'bolts', Updated: '2024-08-07T10:30:00.000Z' },
        { Warehouse: 'north', Sku: 2, Qty: 20, Note: 'nuts', Updated: '2024-08-07T10:30:00.000Z' },
        { Warehouse: 'south', Sku: 1, Qty: 30, Note: null, Updated: '2024-08-07T10:30:00.000Z' }
      ])

      await sql(`INSERT INTO ${TABLE} ("Warehouse", "Sku", "Qty") VALUES ('south', 2, 5)`)
      await sql(`UPDATE ${TABLE} SET "Qty" = 11 WHERE "Warehouse" = 'north' AND "Sku" = 1`)
      await sql(`DELETE FROM ${TABLE} WHERE "Warehouse" = 'north' AND "Sku" = 2`)
      const second = nextMessage(socket)
      const changed = await monitorNow()
      expect(changed.body).toMatchObject({ success: true, records_collected: 3, changes_detected: true })
      const message = await second
      expect(message).toMatchObject({
        type: 'oracle_data_update',
        server_id: serverId,
        server_name: 'db-server-01',
        database_id: databaseId,
        database_name: 'ShopDB',
        table_id: tableId,
        table_name: 'StockItems',
        schema_name: 'Inventory',
        record_count: 3,
        changes_detected: true,
        timestamp: TIMESTAMP,
        snapshot_id: changed.body.snapshot_id,
        data_complete: true
      })
      expect(message.data).toHaveLength(3)
      expect(message.changes).toEqual({
        added: 1,
        removed: 1,
        changed: 1,
        baseline: false,
        keys: { added: [{ Warehouse: 'south', Sku: 2 }], removed: [{ Warehouse: 'north', Sku: 2 }], changed: [{ Warehouse: 'north', Sku: 1 }] },
        keys_truncated: false
      })

      // Nothing changed since: a snapshot all the same, with changes_detected false.
      const third = nextMessage(socket)
      const unchanged = await monitorNow()
      expect(unchanged.body).toMatchObject({ success: true, changes_detected: false })
      expect(await third).toMatchObject({ changes_detected: false, changes: { added: 0, removed: 0, changed: 0, baseline: false } })

      const diff = await api.request('GET', `/api/oracle-data/${changed.body.snapshot_id}/diff/`)
      expect(diff.body).toMatchObject({
        snapshot_id: changed.body.snapshot_id,
        previous_snapshot_id: baseline.body.snapshot_id,
        baseline: false,
        added: [{ Warehouse: 'south', Sku: 2, Qty: 5 }],
        removed: [{ Warehouse: 'north', Sku: 2, Qty: 20 }],
        changed: [{ key: { Warehouse: 'north', Sku: 1 }, before: { Qty: 10 }, after: { Qty: 11 }, columns: ['Qty'] }],
        unchanged: 1
      })
      const rpcDiff = await api.request('POST', '/rpc/oracle.tables.diff', { body: { snapshot_id: changed.body.snapshot_id } })
      expect(rpcDiff.body.ok).toBe(true)
      expect(rpcDiff.body.value.changed[0].columns).toEqual(['Qty'])
    } finally {
      socket.close()
    }
  })

  it('answers each snapshot’s counts as Prometheus series, labelled with the table’s names', async () => {
    const query = async (promql: string) => {
      const response = await api.request('GET', `/prometheus/api/v1/query?${new URLSearchParams({ query: promql })}`)
      expect(response.status).toBe(200)
      return response.body.data.result as Array<{ metric: Record<string, string>; value: [number, string] }>
    }
    const [rows] = await query('vigil_table_rows{table="StockItems"}')
    expect(rows).toEqual({
      metric: {
        __name__: 'vigil_table_rows',
        server: 'db-server-01',
        database: 'ShopDB',
        engine: 'postgresql',
        schema: 'Inventory',
        table: 'StockItems',
        table_id: String(tableId),
        database_id: String(databaseId)
      },
      value: [expect.any(Number), '3']
    })
    // Three snapshots so far: the baseline (compared with nothing: no added sample), one change of each kind, none.
    const over = async (promql: string) => (await query(`${promql}{database="ShopDB"}[1h])`)).map((series) => [series.metric.__name__ ?? '', series.value[1]])
    expect(await over('count_over_time(vigil_table_rows')).toEqual([['', '3']])
    expect(await over('count_over_time(vigil_table_rows_added')).toEqual([['', '2']])
    expect(await over('sum_over_time(vigil_table_rows_changed')).toEqual([['', '1']])
    expect(await over('max_over_time(vigil_table_snapshot_truncated')).toEqual([['', '0']])
    expect(Number((await query('vigil_table_snapshot_duration_seconds{schema="Inventory"}'))[0]?.value[1])).toBeGreaterThan(0)
  })

  it('serves history, latest data, tasks, statistics and the dashboard in the spec shapes', async () => {
    const history = await api.request('GET', `/api/oracle-tables/${tableId}/history/`)
    expect(history.body).toHaveLength(3)
    expect(history.body.map((s: { changes_detected: boolean }) => s.changes_detected)).toEqual([false, true, false])
    expect(history.body[1].changes).toMatchObject({ added: 1, removed: 1, changed: 1 })
    expect((await api.request('GET', `/api/oracle-tables/${tableId}/history/?limit=1&include_data=true`)).body[0].data).toHaveLength(3)

    const latest = await api.request('GET', '/api/oracle-data/latest_by_table/')
    expect(latest.body).toHaveLength(1)
    expect(latest.body[0]).toMatchObject({
      id: history.body[0].id,
      table: tableId,
      table_name: 'StockItems',
      database_name: 'ShopDB',
      server_name: 'db-server-01',
      record_count: 3,
      timestamp: TIMESTAMP,
      collection_duration: expect.any(Number),
      data_preview: [
        { Warehouse: 'north', Sku: 1, Qty: 11 },
        { Warehouse: 'south', Sku: 1, Qty: 30 },
        { Warehouse: 'south', Sku: 2, Qty: 5 }
      ].map((row) => expect.objectContaining(row))
    })

    const page = await api.request('GET', `/api/oracle-data/?table_id=${tableId}&per_page=2`)
    expect(page.body).toMatchObject({ count: 3, page: 1, total_pages: 2, has_next: true, has_previous: false })
    expect(page.body.results).toHaveLength(2)
    expect((await api.request('GET', `/api/oracle-data/?server_id=${serverId}&page=2&per_page=2`)).body).toMatchObject({ page: 2, has_next: false, results: [expect.anything()] })
    expect((await api.request('GET', `/api/oracle-data/?database_id=${databaseId + 1000}`)).body).toMatchObject({ count: 0, results: [] })
    expect((await api.request('GET', `/api/oracle-data/${history.body[2].id}/`)).body.data).toHaveLength(3)

    const tasks = await api.request('GET', `/api/oracle-tables/${tableId}/monitoring_tasks/`)
    expect(tasks.body).toHaveLength(3)
    expect(tasks.body[0]).toMatchObject({
      table: tableId,
      status: 'completed',
      trigger: 'manual',
      created_at: TIMESTAMP,
      started_at: TIMESTAMP,
      completed_at: TIMESTAMP,
      duration: expect.any(Number),
      records_collected: 3,
      error_message: null,
      snapshot_id: history.body[0].id
    })
    const taskPage = await api.request('GET', `/api/oracle-tasks/?table_id=${tableId}&status=completed`)
    expect(taskPage.body).toMatchObject({ count: 3, page: 1, total_pages: 1, has_next: false })
    expect((await api.request('GET', '/api/oracle-tasks/?status=failed')).body.count).toBe(0)

    const statistics = await api.request('GET', '/api/oracle-tasks/statistics/')
    expect(statistics.body).toEqual({
      total_tasks: 3,
      status_breakdown: { completed: 3, failed: 0, running: 0, pending: 0 },
      recent_tasks_24h: 3,
      recent_failures_1h: 0
    })

    for (const method of ['GET', 'POST']) {
      const dashboard = await api.request(method, '/api/oracle/dashboard/')
      expect(dashboard.status).toBe(200)
      expect(dashboard.body).toEqual({
        databases: { total: 1, connected: 1, connection_rate: 100 },
        tables: { total: 1, actively_monitored: 1 },
        activity: { recent_snapshots: 3, recent_tasks: { completed: 3, failed: 0, running: 0 } },
        latest_data: [
          {
            table_name: 'Inventory.StockItems',
            server_name: 'db-server-01',
            database_name: 'ShopDB',
            record_count: 3,
            timestamp: TIMESTAMP,
            collection_duration: expect.any(Number),
            table_id: tableId,
            snapshot_id: history.body[0].id,
            changes_detected: false
          }
        ]
      })
    }

    const status = await api.request('GET', `/api/oracle-databases/${databaseId}/status/`)
    expect(status.body).toMatchObject({
      database: { id: databaseId, name: 'ShopDB', connection_status: 'connected' },
      statistics: { table_count: 1, recent_tasks: 3, connection_status: 'connected' },
      latest_snapshots: [expect.objectContaining({ id: history.body[0].id })]
    })
    expect((await api.request('GET', `/api/oracle-databases/${databaseId}/`)).body.monitored_tables_count).toBe(1)
  })
})

describe('update_config', () => {
  it('refuses unknown columns, unsafe or unparsable WHERE text and unknown ORDER BY columns, saving nothing', async () => {
    const before = (await api.request('GET', `/api/oracle-tables/${tableId}/`)).body
    const cases: Array<[Record<string, unknown>, string, RegExp]> = [
      [{ columns_to_monitor: ['Qty', 'Colour'] }, 'columns_to_monitor', /unknown column 'Colour'/],
      [{ where_clause: `"Qty" > 1; DROP TABLE x` }, 'where_clause', /';'/],
      [{ where_clause: `("Qty" > 1` }, 'where_clause', /never closed/],
      [{ where_clause: `"Qty" > 1)` }, 'where_clause', /without a matching/],
      [{ where_clause: `"Qty" > 1 -- comment` }, 'where_clause', /comments/],
      [{ where_clause: `"Qty" BETWEEN 1` }, 'where_clause', /could not run the snapshot query: syntax error/],
      [{ where_clause: `"Colour" = 'red'` }, 'where_clause', /could not run the snapshot query: column "Colour" does not exist/],
      [{ order_by: 'Colour DESC' }, 'order_by', /unknown column 'Colour'/],
      [{ polling_interval: 0 }, 'polling_interval', /from 5 to 86400/]
    ]
    for (const [body, field, message] of cases) {
      const response = await updateConfig(body)
      expect(response.status, JSON.stringify(body)).toBe(400)
      expect(response.body).toEqual(validationError({ [field]: [expect.stringMatching(message)] }))
    }
    expect((await api.request('GET', `/api/oracle-tables/${tableId}/`)).body).toEqual(before)
  })

  it('saves a checked configuration, resolving column names as the dictionary spells them', async () => {
    const response = await updateConfig({ columns_to_monitor: ['warehouse', 'sku', 'QTY'], where_clause: `"Qty" >= 0`, order_by: 'qty desc', polling_interval: 60 })
    expect(response.status).toBe(200)
    expect(response.body).toMatchObject({
      success: true,
      message: 'Configuration updated',
      table: { columns_to_monitor: ['Warehouse', 'Sku', 'Qty'], where_clause: '"Qty" >= 0', order_by: 'qty desc', polling_interval: 60 }
    })
    const run = await monitorNow()
    expect(run.body).toMatchObject({ success: true, changes_detected: false })
    const current = (await api.request('GET', `/api/oracle-tables/${tableId}/current_data/`)).body
    expect(current.data).toEqual([
      { Warehouse: 'south', Sku: 1, Qty: 30 },
      { Warehouse: 'north', Sku: 1, Qty: 11 },
      { Warehouse: 'south', Sku: 2, Qty: 5 }
    ])
    // A new selection is a new baseline, not a change of every row.
    expect((await api.request('GET', `/api/oracle-data/${run.body.snapshot_id}/`)).body.changes.baseline).toBe(true)
  })

  it('reports the row cap', async () => {
    expect((await updateConfig({ max_rows: 2 })).status).toBe(200)
    const run = await monitorNow()
    expect(run.body).toMatchObject({ success: true, records_collected: 2, truncated: true })
    const current = (await api.request('GET', `/api/oracle-tables/${tableId}/current_data/`)).body
    expect(current).toMatchObject({ record_count: 2, truncated: true })
    expect(current.data).toHaveLength(2)
    expect((await updateConfig({ max_rows: 10000, order_by: null })).status).toBe(200)
  })
})

describe('failures', () => {
  it('fails the task when a monitored column is dropped, and recovers once it is back', async () => {
    expect((await updateConfig({ columns_to_monitor: ['Warehouse', 'Sku', 'Qty', 'Note'], where_clause: null })).status).toBe(200)
    expect((await monitorNow()).body.success).toBe(true)
    await sql(`ALTER TABLE ${TABLE} DROP COLUMN "Note"`)
    const failed = await monitorNow()
    expect(failed.status).toBe(400)
    expect(failed.body).toMatchObject({ success: false, task_id: expect.any(Number), records_collected: 0, snapshot_id: null })
    expect(failed.body.message).toMatch(/'Note'.*no longer exists/)
    const task = (await api.request('GET', `/api/oracle-tasks/${failed.body.task_id}/`)).body
    expect(task).toMatchObject({ status: 'failed', error_message: expect.stringMatching(/'Note'/), completed_at: TIMESTAMP })
    expect((await api.request('GET', `/api/oracle-tables/${tableId}/`)).body).toMatchObject({ monitoring_status: 'error', last_error: expect.stringMatching(/'Note'/) })

    await sql(`ALTER TABLE ${TABLE} ADD COLUMN "Note" text`)
    const recovered = await monitorNow()
    expect(recovered.body).toMatchObject({ success: true, records_collected: 3 })
    expect((await api.request('GET', `/api/oracle-tables/${tableId}/`)).body).toMatchObject({ monitoring_status: 'active', last_error: null })
  })

  it('fails the task when the WHERE text names a column that later disappears, and recovers after the fix', async () => {
    await sql(`ALTER TABLE ${TABLE} ADD COLUMN "Region" text`)
    expect((await updateConfig({ where_clause: `"Region" IS NULL`, columns_to_monitor: [] })).status).toBe(200)
    expect((await monitorNow()).body.success).toBe(true)
    await sql(`ALTER TABLE ${TABLE} DROP COLUMN "Region"`)
    const failed = await monitorNow()
    expect(failed.body.success).toBe(false)
    expect(failed.body.message).toMatch(/"Region" does not exist/)
    // The database is still reachable: a statement error says nothing about the connection.
    expect((await api.request('GET', `/api/oracle-databases/${databaseId}/`)).body.connection_status).toBe('connected')

    const fix = await updateConfig({ where_clause: '' })
    expect(fix.body.table.where_clause).toBe(null)
    expect((await monitorNow()).body.success).toBe(true)
    const statistics = (await api.request('GET', '/api/oracle-tasks/statistics/')).body
    expect(statistics.status_breakdown.failed).toBe(2)
    expect(statistics.recent_failures_1h).toBe(2)
  })
})

describe('skipping unchanged tables', () => {
  it('takes no transfer while the fingerprint stands, and sees the next change', async () => {
    expect((await updateConfig({ skip_unchanged: true })).status).toBe(200)
    expect((await monitorNow()).body.success).toBe(true)
    const skipped = await monitorNow()
    expect(skipped.body).toMatchObject({ success: true, changes_detected: false, records_collected: 3 })
    const fetched = api.app.db.prepare('SELECT fetched FROM oracle_snapshots WHERE id = ?').get(skipped.body.snapshot_id) as { fetched: number }
    expect(fetched.fetched).toBe(0)
    await sql(`UPDATE ${TABLE} SET "Qty" = "Qty" + 1 WHERE "Warehouse" = 'south' AND "Sku" = 2`)
    const changed = await monitorNow()
    expect(changed.body).toMatchObject({ success: true, changes_detected: true })
    expect((await api.request('GET', `/api/oracle-data/${changed.body.snapshot_id}/`)).body.changes).toMatchObject({ changed: 1, keys: { changed: [{ Warehouse: 'south', Sku: 2 }] } })
    expect((await updateConfig({ skip_unchanged: false })).status).toBe(200)
  })
})

describe('tables without a primary key', () => {
  it('pair rows by the row identity (ctid), so an update shows as a row removed and one added', async () => {
    await sql(`CREATE TABLE "Inventory"."Log" ("Line" text)`)
    await sql(`INSERT INTO "Inventory"."Log" VALUES ('a'), ('b')`)
    const added = await api.request('POST', '/api/oracle-tables/', { body: { database_id: databaseId, schema_name: 'Inventory', table_name: 'Log' } })
    expect(added.status).toBe(201)
    const id = added.body.id
    expect((await monitorNow(id)).body).toMatchObject({ success: true, records_collected: 2 })
    expect((await api.request('GET', `/api/oracle-tables/${id}/`)).body.key_columns).toEqual(['__vigil_row_id'])
    await sql(`INSERT INTO "Inventory"."Log" VALUES ('c')`)
    await sql(`UPDATE "Inventory"."Log" SET "Line" = 'B' WHERE "Line" = 'b'`)
    const run = await monitorNow(id)
    const changes = (await api.request('GET', `/api/oracle-data/${run.body.snapshot_id}/`)).body.changes
    expect(changes).toMatchObject({ added: 2, removed: 1, changed: 0 })
    expect((await api.request('DELETE', `/api/oracle-tables/${id}/`)).status).toBe(204)
  })
})

describe('the UI contract', () => {
  it('answers the oracle channels', async () => {
    const list = await api.request('POST', '/rpc/oracle.databases.list', { body: {} })
    expect(list.body.value.map((d: { id: number }) => d.id)).toEqual([databaseId])
    const tables = await api.request('POST', '/rpc/oracle.tables.list', { body: { database_id: databaseId } })
    expect(tables.body.value[0]).toMatchObject({ id: tableId, full_table_name: 'Inventory.StockItems' })
    const discovered = await api.request('POST', '/rpc/oracle.tables.discover', { body: { database_id: databaseId, schema_name: 'Inventory' } })
    expect(discovered.body.value).toEqual([
      expect.objectContaining({ table_name: 'Log', monitored_table_id: null }),
      expect.objectContaining({ table_name: 'StockItems', monitored_table_id: tableId })
    ])
    const history = await api.request('POST', '/rpc/oracle.tables.history', { body: { id: tableId, limit: 2 } })
    expect(history.body.value).toHaveLength(2)
    const current = await api.request('POST', '/rpc/oracle.tables.currentData', { body: { id: tableId } })
    expect(current.body.value.record_count).toBe(3)
  })
})

describe('the scheduled monitor', () => {
  it('snapshots active tables on its own once started', async () => {
    const event = new Promise<any>((resolve) => {
      const unsubscribe = api.app.bus.subscribe('oracle.snapshot', (payload) => {
        unsubscribe()
        resolve(payload)
      })
    })
    api.app.oracle.monitor.start()
    const payload = await event
    expect(payload).toMatchObject({ tableId, databaseId, serverId, recordCount: 3 })
    await api.app.oracle.monitor.stop()
    const task = (await api.request('GET', `/api/oracle-tasks/?table_id=${tableId}&per_page=1`)).body.results[0]
    expect(task).toMatchObject({ trigger: 'schedule', status: 'completed', snapshot_id: payload.snapshotId })
  })

  it('refuses WebSockets for unknown servers, without a credential or from a foreign origin', async () => {
    await expect(openSocket('/ws/oracle_updates_550e8400-e29b-41d4-a716-446655440000/')).rejects.toThrow(/404/)
    await expect(
      new Promise((resolve, reject) => {
        const socket = new WebSocket(`${api.url.replace('http', 'ws')}/ws/oracle_updates_${serverId}/`)
        socket.once('open', resolve)
        socket.once('error', reject)
      })
    ).rejects.toThrow(/401/)
    await expect(
      new Promise((resolve, reject) => {
        const socket = new WebSocket(`${api.url.replace('http', 'ws')}/ws/oracle_updates_${serverId}/`, {
          headers: { Authorization: `Bearer ${api.token}`, Origin: 'http://evil.example' }
        })
        socket.once('open', resolve)
        socket.once('error', reject)
      })
    ).rejects.toThrow(/403/)
  })

  it('documents the routes in the OpenAPI document, without passwords', async () => {
    const { body } = await api.request('GET', '/api/docs/json')
    for (const path of [
      '/api/oracle-databases/',
      '/api/oracle-databases/{id}/test_connection/',
      '/api/oracle-databases/{id}/tables/',
      '/api/oracle-databases/{id}/status/',
      '/api/oracle-tables/',
      '/api/oracle-tables/{id}/monitor_now/',
      '/api/oracle-tables/{id}/update_config/',
      '/api/oracle-data/',
      '/api/oracle-data/latest_by_table/',
      '/api/oracle-tasks/statistics/',
      '/api/oracle/dashboard/'
    ]) {
      expect(Object.keys(body.paths), path).toContain(path)
    }
    const database = body.paths['/api/oracle-databases/{id}/'].get.responses['200'].content['application/json'].schema
    expect(Object.keys(database.properties)).toContain('password_set')
    expect(Object.keys(database.properties)).not.toContain('password')
  })

  it('deletes a database with its tables, snapshots and tasks, and closes its connection', async () => {
    expect(api.app.oracle.sources.openDatabases()).toContain(databaseId)
    expect((await api.request('DELETE', `/api/oracle-databases/${databaseId}/`)).status).toBe(204)
    expect((await api.request('GET', `/api/oracle-tables/${tableId}/`)).status).toBe(404)
    expect((await api.request('GET', '/api/oracle-data/')).body.count).toBe(0)
    expect((await api.request('GET', '/api/oracle-tasks/')).body.count).toBe(0)
    expect(api.app.db.prepare('SELECT COUNT(*) AS n FROM oracle_snapshot_data').get()).toEqual({ n: 0 })
    expect(api.app.oracle.sources.openDatabases()).not.toContain(databaseId)
    // The tables' snapshot counts go with them.
    const counts = await api.request('GET', `/prometheus/api/v1/series?${new URLSearchParams({ 'match[]': '{__name__=~"vigil_table_.*"}' })}`)
    expect(counts.body).toEqual({ status: 'success', data: [] })
  })
})
