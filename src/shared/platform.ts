import Type, { type Static } from 'typebox'

// platform-api.md: Vigil's own health, every collector as a source (with sync and logs), the
// activity log and the event stream, field by field. One schema set serves the API (response
// filtering, OpenAPI) and the UI's Sources page.

/** The spec's source statuses, from the collector's real state (README, "Platform API"). */
export const SOURCE_STATUSES = ['synced', 'syncing', 'failed', 'empty', 'not_synced', 'unknown'] as const
export type SourceStatus = (typeof SOURCE_STATUSES)[number]

/**
 * What a source is: a collector's kind, or an import source's type (`csv_metrics`,
 * `csv_table`, `nmon`; src/shared/imports.ts).
 */
export const SOURCE_TYPES = ['local', 'ssh', 'postgresql', 'oracle_table', 'postgresql_table', 'scrape'] as const
export type SourceType = (typeof SOURCE_TYPES)[number] | 'csv_metrics' | 'csv_table' | 'nmon'

export const LOG_LEVELS = ['INFO', 'WARNING', 'ERROR', 'SUCCESS'] as const
export type LogLevel = (typeof LOG_LEVELS)[number]

const nullableTime = Type.Union([Type.String({ format: 'date-time' }), Type.Null()])
const nullableText = Type.Union([Type.String(), Type.Null()])

export const SourceTableSchema = Type.Object({
  name: Type.String(),
  row_count: Type.Integer(),
  schema: Type.String({ description: '`raw` for what a collector writes (Vigil keeps no staging copy of it)' })
})

export const SourceSchema = Type.Object({
  name: Type.String({ description: 'Stable: `<kind>:<name>` — server:web-01, postgres:main, table:ShopDB.Inventory.StockItems' }),
  type: Type.String({ description: `One of ${SOURCE_TYPES.join(', ')}, or an import source's csv_metrics, csv_table, nmon` }),
  enabled: Type.Boolean(),
  last_sync: nullableTime,
  row_count: Type.Integer(),
  status: Type.Enum([...SOURCE_STATUSES]),
  freshness: Type.Object({ last_update: nullableTime, days_old: Type.Union([Type.Integer(), Type.Null()]) }),
  tables: Type.Array(SourceTableSchema),
  // Vigil's additions.
  last_error: Type.Union([Type.String({ description: "Vigil: the collector's current error" }), Type.Null()]),
  failing_since: Type.Union([Type.String({ format: 'date-time', description: 'Vigil: when the collector last started failing' }), Type.Null()]),
  state: Type.String({ description: "Vigil: the collector's own state (collecting, unreachable, auth_failed, …; ok/error for databases)" }),
  id: Type.String({ description: 'Vigil: the id of what is collected (server UUID, instance id, table id)' })
})
export type Source = Static<typeof SourceSchema>
export type SourceTable = Static<typeof SourceTableSchema>

export const SyncRunSchema = Type.Object({
  timestamp: Type.String({ format: 'date-time' }),
  status: Type.Union([Type.Literal('success'), Type.Literal('failed'), Type.Literal('running')]),
  duration_seconds: Type.Union([Type.Number(), Type.Null()]),
  rows_processed: Type.Integer(),
  full_refresh: Type.Boolean(),
  trigger: Type.String({ description: 'Vigil: manual (sync) or schedule' }),
  error: Type.Union([Type.String({ description: 'Vigil: why it failed' }), Type.Null()])
})
export type SyncRun = Static<typeof SyncRunSchema>

export const SourceDetailsSchema = Type.Object({
  name: Type.String(),
  config: Type.Record(Type.String(), Type.Unknown(), { description: 'The collector configuration, secrets left out' }),
  history: Type.Array(SyncRunSchema),
  row_count: Type.Integer(),
  tables: Type.Array(SourceTableSchema),
  source: SourceSchema
})
export type SourceDetails = Static<typeof SourceDetailsSchema>

export const SyncRequestSchema = Type.Object(
  {
    full_refresh: Type.Optional(Type.Boolean({ description: 'Accepted; a collector always collects in full' })),
    start_date: Type.Optional(Type.Union([Type.String(), Type.Null()])),
    end_date: Type.Optional(Type.Union([Type.String(), Type.Null()]))
  },
  { additionalProperties: true }
)
export type SyncRequest = Static<typeof SyncRequestSchema>

export const SyncStartedSchema = Type.Object({
  success: Type.Boolean(),
  message: Type.String(),
  source_name: Type.String(),
  started_at: Type.String({ format: 'date-time' })
})
export type SyncStarted = Static<typeof SyncStartedSchema>

export const LogEntrySchema = Type.Object({
  timestamp: Type.String({ format: 'date-time' }),
  level: Type.Enum([...LOG_LEVELS]),
  message: Type.String(),
  source: Type.Union([Type.String({ description: 'Vigil: the source the line is about (null: Vigil itself or the audit trail)' }), Type.Null()])
})
export type LogEntry = Static<typeof LogEntrySchema>

export const LogsQuerySchema = Type.Object({ limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_000 })) })

export const PlatformStatusSchema = Type.Object({
  status: Type.Union([Type.Literal('healthy'), Type.Literal('degraded'), Type.Literal('unhealthy')]),
  dango_version: Type.String({ description: "Vigil's version" }),
  services: Type.Record(Type.String(), Type.String(), { description: "Vigil's components (README, Platform API)" }),
  uptime: Type.String()
})
export type PlatformStatus = Static<typeof PlatformStatusSchema>

export const PlatformHealthSchema = Type.Object({
  status: Type.Union([Type.Literal('healthy'), Type.Literal('degraded'), Type.Literal('unhealthy')]),
  timestamp: Type.String({ format: 'date-time' }),
  database: Type.Object({
    size_mb: Type.Number(),
    tables: Type.Integer(),
    status: Type.String(),
    raw_tables: Type.Integer(),
    staging_tables: Type.Integer(),
    marts_tables: Type.Integer(),
    wal_mb: Type.Number({ description: 'Vigil: the write-ahead log beside the database' })
  }),
  disk: Type.Object({ status: Type.String(), free_gb: Type.Number(), total_gb: Type.Number() }),
  sync_failures: Type.Array(
    Type.Object({ source: Type.String(), type: Type.String(), error: nullableText, failing_since: nullableTime, last_sync: nullableTime })
  ),
  dbt_failures: Type.Array(Type.Object({ model: Type.String(), error: nullableText })),
  total_sources: Type.Integer(),
  enabled_sources: Type.Integer(),
  critical_issues: Type.Array(Type.String()),
  warnings: Type.Array(Type.String())
})
export type PlatformHealth = Static<typeof PlatformHealthSchema>

export const WatcherStatusSchema = Type.Object({
  running: Type.Boolean(),
  pid: Type.Union([Type.Integer(), Type.Null()]),
  auto_sync_enabled: Type.Boolean(),
  auto_dbt_enabled: Type.Boolean(),
  debounce_seconds: Type.Integer(),
  watch_patterns: Type.Array(Type.String()),
  watch_directories: Type.Array(Type.String())
})
export type WatcherStatus = Static<typeof WatcherStatusSchema>

export const PlatformConfigSchema = Type.Object({
  web_port: Type.Union([Type.Integer(), Type.Null()]),
  web_url: nullableText,
  metabase_url: nullableText,
  dbt_docs_url: nullableText,
  api_url: nullableText,
  project_name: Type.String(),
  organization: Type.String()
})
export type PlatformConfig = Static<typeof PlatformConfigSchema>

export const MetabaseConfigSchema = Type.Object({
  database_id: Type.Union([Type.Integer(), Type.Null()]),
  configured: Type.Boolean()
})
export type MetabaseConfig = Static<typeof MetabaseConfigSchema>

/** The `/ws` messages Vigil sends. */
export type PlatformEvent =
  | { type: 'sync_started'; source: string; timestamp: string }
  | { type: 'sync_completed'; source: string; rows: number; timestamp: string; duration_seconds: number }
  | { type: 'sync_failed'; source: string; error: string; timestamp: string }
  /** Vigil: a collector started failing (unreachable, refused login, host key changed, …). */
  | { type: 'collector_down'; source: string; error: string; timestamp: string }
  /** Vigil: a failing collector works again. */
  | { type: 'collector_up'; source: string; down_seconds: number | null; timestamp: string }
  // SQL models: each model of a run as it starts and ends (Vigil adds rows and duration_seconds).
  | { type: 'dbt_run_started'; model: string; timestamp: string }
  | { type: 'dbt_run_completed'; model: string; timestamp: string; rows: number; duration_seconds: number }
  | { type: 'dbt_run_failed'; model: string; error: string; timestamp: string }
  | { type: 'csv_uploaded'; source: string; file: string; timestamp: string }
  | { type: 'csv_deleted'; source: string; file: string; timestamp: string }
