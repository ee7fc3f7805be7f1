import Type, { type Static } from 'typebox'
import { HOST_FORMAT } from './formats'
import { MAX_PAGE } from './limits'

// "Oracle Monitoring APIs" of servers-metrics-oracle-api.md, field by field, plus Vigil's
// additions (each marked in its description): PostgreSQL as a second engine, service names,
// write-only passwords, row caps and change summaries. One schema set serves the API
// (validation, response filtering, OpenAPI) and the UI.

export const DB_ENGINES = ['oracle', 'postgresql'] as const
export type DbEngine = (typeof DB_ENGINES)[number]
export const DEFAULT_PORTS: Record<DbEngine, number> = { oracle: 1521, postgresql: 5432 }

export const CONNECTION_STATUSES = ['connected', 'failed', 'unknown'] as const
export type ConnectionStatus = (typeof CONNECTION_STATUSES)[number]
export const CONNECTION_STATUS_DISPLAY: Record<ConnectionStatus, string> = { connected: 'Connected', failed: 'Failed', unknown: 'Unknown' }

export const TASK_STATUSES = ['pending', 'running', 'completed', 'failed'] as const
export type TaskStatus = (typeof TASK_STATUSES)[number]
export const TASK_TRIGGERS = ['schedule', 'manual'] as const

/** What a table's monitoring is doing: off, running fine (or not yet run), or its last run failed. */
export const MONITORING_STATUSES = ['active', 'inactive', 'error'] as const

export const DEFAULT_CONNECTION_TIMEOUT = 30
export const DEFAULT_POLLING_INTERVAL = 60
export const DEFAULT_MAX_ROWS = 10_000
/** Largest max_rows: every snapshot is kept as JSON in SQLite and diffed in memory. */
export const MAX_MAX_ROWS = 100_000
export const DEFAULT_HISTORY_LIMIT = 10
export const DEFAULT_TASKS_LIMIT = 20
export const DATA_PER_PAGE = 25
export const MAX_DATA_PER_PAGE = 100
/** Rows of data_preview. */
export const PREVIEW_ROWS = 5

const text = (maxLength: number) => Type.Union([Type.String({ maxLength }), Type.Null()])
const nullableText = Type.Union([Type.String(), Type.Null()])
const nullableTime = Type.Union([Type.String({ format: 'date-time' }), Type.Null()])
const nullableInt = Type.Union([Type.Integer(), Type.Null()])
const Row = Type.Record(Type.String(), Type.Unknown())
const Rows = Type.Array(Row)

/** Listener names: letters, digits and _ . $ # - (checked again by connect-descriptor.ts). */
const listenerName = (what: string) =>
  Type.Union([
    Type.String({
      maxLength: 128,
      pattern: '^[A-Za-z0-9_.$#-]*$',
      errorMessage: `must be an Oracle ${what} of letters, digits and the characters _ . $ # -`
    }),
    Type.Null()
  ])

const databaseFields = {
  server_id: Type.String({ format: 'uuid', errorMessage: 'must be the ID (a UUID) of a registered server' }),
  name: Type.String({
    minLength: 1,
    maxLength: 100,
    pattern: '^(?!\\s)(?!.*\\s$)[^/\\\\\\x00-\\x1f\\x7f]+$',
    errorMessage: 'must be 1 to 100 characters, without slashes, control characters or surrounding spaces'
  }),
  engine: Type.Enum([...DB_ENGINES], { description: "Vigil extension: 'oracle' (default) or 'postgresql'." }),
  host: Type.String({ maxLength: 253, format: HOST_FORMAT, errorMessage: 'must be a host name, an IPv4 address or an IPv6 address' }),
  port: Type.Integer({ minimum: 1, maximum: 65535 }),
  sid: listenerName('SID'),
  service_name: listenerName('service name'),
  database: Type.Union([
    Type.String({ minLength: 1, maxLength: 63, pattern: '^[^\\x00-\\x1f\\x7f]+$', errorMessage: 'must be a PostgreSQL database name of 1 to 63 characters' }),
    Type.Null()
  ]),
  username: Type.String({ minLength: 1, maxLength: 128, pattern: '^[^\\x00-\\x1f\\x7f]+$', errorMessage: 'must be a user name without control characters' }),
  password: text(1024),
  connection_timeout: Type.Integer({ minimum: 1, maximum: 600 }),
  is_active: Type.Boolean()
}

const optional = <T extends Record<string, import('typebox').TSchema>>(fields: T) =>
  Object.fromEntries(Object.entries(fields).map(([name, schema]) => [name, Type.Optional(schema)])) as {
    [K in keyof T]: ReturnType<typeof Type.Optional<T[K]>>
  }

/** Read-only fields a client may send back unchanged (GET then PUT) without being told they are unknown. */
const echo = (names: readonly string[]) => Object.fromEntries(names.map((name) => [name, Type.Optional(Type.Unknown())]))

export const OracleDatabaseCreateSchema = Type.Object(
  {
    ...optional(databaseFields),
    server_id: databaseFields.server_id,
    name: databaseFields.name,
    host: databaseFields.host,
    username: databaseFields.username
  },
  { additionalProperties: false }
)

export const OracleDatabaseUpdateSchema = Type.Object(
  {
    ...optional(databaseFields),
    ...echo([
      'id', 'server', 'server_name', 'password_set', 'created_at', 'updated_at', 'last_connection_test', 'connection_status',
      'connection_status_display', 'connection_error', 'database_version', 'monitored_tables_count'
    ])
  },
  { additionalProperties: false }
)

export const OracleDatabaseListQuerySchema = Type.Object(
  { server_id: Type.Optional(Type.String({ format: 'uuid', errorMessage: 'must be the ID (a UUID) of a server' })) },
  // Unknown query parameters are ignored, as the servers list ignores them (e.g. `format=json`).
  { additionalProperties: true }
)

export const OracleDatabaseSchema = Type.Object({
  id: Type.Integer(),
  server: Type.Object({ id: Type.String(), hostname: Type.String() }),
  server_id: Type.String(),
  server_name: Type.String(),
  name: Type.String(),
  engine: Type.Enum([...DB_ENGINES], { description: 'Vigil extension: oracle or postgresql' }),
  host: Type.String(),
  port: Type.Integer(),
  sid: nullableText,
  service_name: Type.Union([Type.String(), Type.Null()], { description: 'Vigil extension: an Oracle service name, when no SID is given' }),
  database: Type.Union([Type.String(), Type.Null()], { description: 'Vigil extension: the PostgreSQL database (engine postgresql)' }),
  username: Type.String(),
  password_set: Type.Boolean({ description: 'Vigil extension: a password is stored (the password itself is never returned).' }),
  connection_timeout: Type.Integer(),
  is_active: Type.Boolean(),
  created_at: Type.String({ format: 'date-time' }),
  updated_at: Type.String({ format: 'date-time' }),
  last_connection_test: nullableTime,
  connection_status: Type.Enum([...CONNECTION_STATUSES]),
  connection_status_display: Type.String(),
  connection_error: Type.Union([Type.String(), Type.Null()], { description: 'Vigil extension: why the last connection failed' }),
  database_version: Type.Union([Type.String(), Type.Null()], { description: 'Vigil extension: the version the last successful test reported' }),
  monitored_tables_count: Type.Integer()
})

export const OracleTestResultSchema = Type.Object({
  success: Type.Boolean(),
  message: Type.String(),
  connection_time: Type.Union([Type.Number({ description: 'Seconds' }), Type.Null()]),
  database_version: nullableText,
  database_id: Type.Integer(),
  connection_status: Type.Enum([...CONNECTION_STATUSES]),
  tested_at: Type.String({ format: 'date-time' })
})

/** A table the account can read, from the data dictionary (GET {id}/discover_tables/). */
export const DiscoveredTableSchema = Type.Object({
  schema_name: Type.String(),
  table_name: Type.String(),
  full_table_name: Type.String(),
  row_estimate: nullableInt,
  /** The id of the watched table, when this one is configured. */
  monitored_table_id: nullableInt
})

export const TableColumnsSchema = Type.Object({
  schema_name: Type.String(),
  table_name: Type.String(),
  row_estimate: nullableInt,
  columns: Type.Array(Type.Object({ name: Type.String(), type: Type.String(), nullable: Type.Boolean() })),
  primary_key: Type.Array(Type.String())
})

export const DiscoverQuerySchema = Type.Object(
  { schema_name: Type.Optional(Type.String({ minLength: 1, maxLength: 128 })) },
  { additionalProperties: true }
)
export const DescribeQuerySchema = Type.Object(
  { schema_name: Type.String({ minLength: 1, maxLength: 128 }), table_name: Type.String({ minLength: 1, maxLength: 128 }) },
  { additionalProperties: true }
)

const configFields = {
  columns_to_monitor: Type.Union([Type.Array(Type.String({ minLength: 1, maxLength: 128 }), { maxItems: 1000 }), Type.Null()], {
    description: 'Columns to keep; empty or null: all of them'
  }),
  where_clause: text(4000),
  order_by: text(1000),
  polling_interval: Type.Integer({ minimum: 5, maximum: 86_400, description: 'Seconds between snapshots' }),
  is_active: Type.Boolean(),
  max_rows: Type.Integer({ minimum: 1, maximum: MAX_MAX_ROWS, description: `Vigil extension: most rows a snapshot keeps (default ${DEFAULT_MAX_ROWS})` }),
  skip_unchanged: Type.Boolean({
    description: 'Vigil extension: ask the database for a fingerprint first and skip the transfer when nothing changed'
  })
}

export const OracleTableCreateSchema = Type.Object(
  {
    ...optional(configFields),
    database_id: Type.Integer({ minimum: 1 }),
    schema_name: Type.String({ minLength: 1, maxLength: 128 }),
    table_name: Type.String({ minLength: 1, maxLength: 128 })
  },
  { additionalProperties: false }
)

export const OracleTableConfigSchema = Type.Object(
  {
    ...optional(configFields),
    ...echo([
      'id', 'database', 'database_id', 'database_name', 'server_id', 'server_name', 'table_name', 'schema_name', 'full_table_name',
      'key_columns', 'last_record_count', 'last_snapshot_at', 'last_error', 'monitoring_status', 'created_at', 'updated_at'
    ])
  },
  { additionalProperties: false }
)

export const OracleTableListQuerySchema = Type.Object(
  {
    database_id: Type.Optional(Type.Integer({ minimum: 1 })),
    server_id: Type.Optional(Type.String({ format: 'uuid', errorMessage: 'must be the ID (a UUID) of a server' }))
  },
  { additionalProperties: true }
)

/** The spec's table item (GET {id}/tables/), then Vigil's configuration and state. */
export const OracleTableSchema = Type.Object({
  id: Type.Integer(),
  database: Type.Integer(),
  table_name: Type.String(),
  schema_name: Type.String(),
  full_table_name: Type.String(),
  is_active: Type.Boolean(),
  polling_interval: Type.Integer(),
  last_record_count: nullableInt,
  monitoring_status: Type.Enum([...MONITORING_STATUSES]),
  database_id: Type.Integer(),
  database_name: Type.String(),
  server_id: Type.String(),
  server_name: Type.String(),
  columns_to_monitor: Type.Array(Type.String(), { description: 'Empty: all columns' }),
  where_clause: nullableText,
  order_by: nullableText,
  max_rows: Type.Integer(),
  skip_unchanged: Type.Boolean(),
  key_columns: Type.Array(Type.String(), { description: 'The primary key the diff pairs rows by; empty: the row identity (ROWID, ctid)' }),
  last_snapshot_at: nullableTime,
  last_error: nullableText,
  created_at: Type.String({ format: 'date-time' }),
  updated_at: Type.String({ format: 'date-time' })
})

/** What changed since the previous snapshot: counts and the keys of the rows. */
export const ChangeSummarySchema = Type.Object({
  added: Type.Integer(),
  removed: Type.Integer(),
  changed: Type.Integer(),
  /** No comparable previous snapshot (the first one, or the first after a configuration change). */
  baseline: Type.Boolean(),
  keys: Type.Object({ added: Rows, removed: Rows, changed: Rows }, { description: 'Key values of the rows (at most 100 of each)' }),
  keys_truncated: Type.Boolean()
})

/** The spec's latest_by_table item; the oracle-data list answers the same, with Vigil's extras. */
export const SnapshotSummarySchema = Type.Object({
  id: Type.Integer(),
  table: Type.Integer(),
  table_name: Type.String(),
  database_name: Type.String(),
  server_name: Type.String(),
  record_count: Type.Integer(),
  timestamp: Type.String({ format: 'date-time' }),
  collection_duration: Type.Number({ description: 'Seconds' }),
  data_preview: Rows,
  schema_name: Type.String(),
  full_table_name: Type.String(),
  database_id: Type.Integer(),
  server_id: Type.String(),
  task_id: nullableInt,
  truncated: Type.Boolean({ description: 'The table held more rows than max_rows: only the first max_rows were kept' }),
  changes_detected: Type.Boolean(),
  changes: ChangeSummarySchema
})

export const SnapshotDetailSchema = Type.Object({
  ...SnapshotSummarySchema.properties,
  columns: Type.Array(Type.String()),
  key_columns: Type.Array(Type.String()),
  data: Rows
})

export const OracleDataListQuerySchema = Type.Object(
  {
    table_id: Type.Optional(Type.Integer({ minimum: 1 })),
    database_id: Type.Optional(Type.Integer({ minimum: 1 })),
    server_id: Type.Optional(Type.String({ format: 'uuid', errorMessage: 'must be the ID (a UUID) of a server' })),
    page: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_PAGE })),
    per_page: Type.Optional(Type.Integer({ minimum: 1, description: `Capped at ${MAX_DATA_PER_PAGE}` }))
  },
  { additionalProperties: true }
)

export const OracleTaskSchema = Type.Object({
  id: Type.Integer(),
  table: Type.Integer(),
  table_name: Type.String(),
  schema_name: Type.String(),
  full_table_name: Type.String(),
  database_id: Type.Integer(),
  database_name: Type.String(),
  server_name: Type.String(),
  status: Type.Enum([...TASK_STATUSES]),
  trigger: Type.Enum([...TASK_TRIGGERS]),
  created_at: Type.String({ format: 'date-time' }),
  started_at: nullableTime,
  completed_at: nullableTime,
  duration: Type.Union([Type.Number({ description: 'Seconds' }), Type.Null()]),
  records_collected: nullableInt,
  error_message: nullableText,
  snapshot_id: nullableInt
})

export const OracleTaskListQuerySchema = Type.Object(
  {
    table_id: Type.Optional(Type.Integer({ minimum: 1 })),
    database_id: Type.Optional(Type.Integer({ minimum: 1 })),
    status: Type.Optional(Type.Enum([...TASK_STATUSES])),
    page: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_PAGE })),
    per_page: Type.Optional(Type.Integer({ minimum: 1, description: `Capped at ${MAX_DATA_PER_PAGE}` }))
  },
  { additionalProperties: true }
)

/** The spec's "Pagination": count, page, total_pages, has_next (and has_previous, as the servers list). */
const page = <T extends import('typebox').TSchema>(item: T) =>
  Type.Object({
    count: Type.Integer(),
    page: Type.Integer(),
    total_pages: Type.Integer(),
    has_next: Type.Boolean(),
    has_previous: Type.Boolean(),
    results: Type.Array(item)
  })
export const SnapshotPageSchema = page(SnapshotSummarySchema)
export const TaskPageSchema = page(OracleTaskSchema)

export const TaskStatisticsSchema = Type.Object({
  total_tasks: Type.Integer(),
  status_breakdown: Type.Object({ completed: Type.Integer(), failed: Type.Integer(), running: Type.Integer(), pending: Type.Integer() }),
  recent_tasks_24h: Type.Integer(),
  recent_failures_1h: Type.Integer()
})

export const CurrentDataSchema = Type.Object({
  table: Type.Object({ id: Type.Integer(), table_name: Type.String(), schema_name: Type.String() }),
  data: Rows,
  record_count: Type.Integer(),
  timestamp: Type.String({ format: 'date-time' }),
  collection_duration: Type.Number(),
  snapshot_id: Type.Integer(),
  columns: Type.Array(Type.String()),
  key_columns: Type.Array(Type.String()),
  truncated: Type.Boolean()
})

export const MonitorNowSchema = Type.Object({
  success: Type.Boolean(),
  message: Type.String(),
  task_id: Type.Integer(),
  records_collected: Type.Integer(),
  collection_time: Type.Number({ description: 'Seconds' }),
  snapshot_id: nullableInt,
  changes_detected: Type.Boolean(),
  truncated: Type.Boolean()
})

export const DatabaseStatusSchema = Type.Object({
  database: Type.Object({ id: Type.Integer(), name: Type.String(), connection_status: Type.Enum([...CONNECTION_STATUSES]) }),
  statistics: Type.Object({
    table_count: Type.Integer(),
    recent_tasks: Type.Integer({ description: 'Tasks of the last 24 hours' }),
    connection_status: Type.Enum([...CONNECTION_STATUSES]),
    last_connection_test: nullableTime
  }),
  latest_snapshots: Type.Array(SnapshotSummarySchema)
})

export const DashboardSchema = Type.Object({
  databases: Type.Object({ total: Type.Integer(), connected: Type.Integer(), connection_rate: Type.Number() }),
  tables: Type.Object({ total: Type.Integer(), actively_monitored: Type.Integer() }),
  activity: Type.Object({
    recent_snapshots: Type.Integer({ description: 'Snapshots of the last 24 hours' }),
    recent_tasks: Type.Object({ completed: Type.Integer(), failed: Type.Integer(), running: Type.Integer() })
  }),
  latest_data: Type.Array(
    Type.Object({
      table_name: Type.String({ description: 'SCHEMA.TABLE' }),
      server_name: Type.String(),
      database_name: Type.String(),
      record_count: Type.Integer(),
      timestamp: Type.String({ format: 'date-time' }),
      collection_duration: Type.Number(),
      table_id: Type.Integer(),
      snapshot_id: Type.Integer(),
      changes_detected: Type.Boolean()
    })
  )
})

/** One changed row of a snapshot diff: its key, both versions and the columns that differ. */
export const RowChangeSchema = Type.Object({ key: Row, before: Row, after: Row, columns: Type.Array(Type.String()) })

/** A snapshot against its predecessor, row by row (oracle.tables.diff, GET /api/oracle-data/{id}/diff/). */
export const SnapshotDiffSchema = Type.Object({
  snapshot_id: Type.Integer(),
  previous_snapshot_id: nullableInt,
  table: Type.Integer(),
  timestamp: Type.String({ format: 'date-time' }),
  baseline: Type.Boolean(),
  columns: Type.Array(Type.String()),
  key_columns: Type.Array(Type.String()),
  added: Rows,
  removed: Rows,
  changed: Type.Array(RowChangeSchema),
  unchanged: Type.Integer(),
  duplicate_keys: Type.Integer()
})

export type OracleDatabase = Static<typeof OracleDatabaseSchema>
export type OracleDatabaseCreate = Static<typeof OracleDatabaseCreateSchema>
export type OracleDatabaseUpdate = Static<typeof OracleDatabaseUpdateSchema>
export type OracleDatabaseListQuery = Static<typeof OracleDatabaseListQuerySchema>
export type OracleTestResult = Static<typeof OracleTestResultSchema>
export type DiscoveredTable = Static<typeof DiscoveredTableSchema>
export type TableColumns = Static<typeof TableColumnsSchema>
export type OracleTable = Static<typeof OracleTableSchema>
export type OracleTableCreate = Static<typeof OracleTableCreateSchema>
export type OracleTableConfig = Static<typeof OracleTableConfigSchema>
export type OracleTableListQuery = Static<typeof OracleTableListQuerySchema>
export type ChangeSummary = Static<typeof ChangeSummarySchema>
export type SnapshotSummary = Static<typeof SnapshotSummarySchema>
export type SnapshotDetail = Static<typeof SnapshotDetailSchema>
export type OracleDataListQuery = Static<typeof OracleDataListQuerySchema>
export type SnapshotPage = Static<typeof SnapshotPageSchema>
export type OracleTask = Static<typeof OracleTaskSchema>
export type OracleTaskListQuery = Static<typeof OracleTaskListQuerySchema>
export type TaskPage = Static<typeof TaskPageSchema>
export type TaskStatistics = Static<typeof TaskStatisticsSchema>
export type CurrentData = Static<typeof CurrentDataSchema>
export type MonitorNowResult = Static<typeof MonitorNowSchema>
export type DatabaseStatus = Static<typeof DatabaseStatusSchema>
export type OracleDashboard = Static<typeof DashboardSchema>
export type SnapshotDiffView = Static<typeof SnapshotDiffSchema>

/** The `oracle.snapshot` topic: one snapshot stored (no rows; fetch them by snapshot id). */
export interface SnapshotEvent {
  snapshotId: number
  taskId: number
  tableId: number
  tableName: string
  schemaName: string
  databaseId: number
  databaseName: string
  serverId: string
  serverName: string
  timestamp: string
  recordCount: number
  truncated: boolean
  changesDetected: boolean
  changes: ChangeSummary
}
