// What the PostgreSQL agent API (postgres-agent-api.md) and the UI's `pg.*` channels carry: one
// definition of each shape, used by the engines in src/main/postgres (which answer the
// agent's routes field for field), by PgAgentService, and by the renderer. Field names are the
// agent's, so they stay snake_case; times the agent gives as text stay text.

// ---------------------------------------------------------------- activity

export type YesNo = 'Y' | 'N'

/** What the host tells about a backend (from /proc of PostgreSQL's machine); null where Vigil cannot read it. */
export interface BackendHostFields {
  /** Percent of one CPU, 2 decimals. */
  cpu: number | null
  /** Percent of the host's RAM, 2 decimals. */
  memory: number | null
  /** Human-readable bytes per second, "1.50K". */
  read_s: string | null
  write_s: string | null
  /** "Y" when the process is in uninterruptible (I/O) sleep. */
  iow: YesNo | null
}

/** One row of GET /activity. */
export interface ActivityRow extends BackendHostFields {
  pid: number
  database: string | null
  user: string | null
  /** Client address; null over the unix socket. */
  client: string | null
  /** "Y" when the backend waits for a lock. */
  wait: YesNo
  /** Seconds since the current (or last) query started, 3 decimals, as a string (as documented). */
  duration: string
  state: string | null
  query: string | null
}

/** What the UI shows of a backend beyond the agent's row (pg_stat_activity's own columns). */
export interface ActivityDetails {
  application_name: string | null
  /** ISO 8601 with the server's offset; null before the first query (or hidden from the role). */
  query_start: string | null
  xact_start: string | null
  backend_start: string | null
  wait_event_type: string | null
  wait_event: string | null
}

/** A row of the UI's activity list: the agent's row and pg_stat_activity's details. */
export type ActivityDetailRow = ActivityRow & ActivityDetails

/** One row of GET /activity/waiting and GET /activity/blocking. */
export interface LockRow extends BackendHostFields {
  pid: number
  database: string | null
  user: string | null
  /** The locked relation's name, or ' ' when the lock is not on a relation. */
  relation: string
  /** pg_locks.locktype: relation, transactionid, tuple, virtualxid, advisory, … */
  type: string
  /** pg_locks.mode: ShareLock, ExclusiveLock, … */
  mode: string
  state: string | null
  /** Seconds since the current (or last) query started, 2 decimals. */
  duration: number
  query: string | null
}

/** One pid's outcome of POST /activity/kill, as the agent answers it, plus the reason when it was not killed. */
export interface KillResult {
  pid: number
  killed: boolean
  /** Present when `killed` is false. */
  error?: string
}

/** One pid's outcome of cancelling its query (pg_cancel_backend), with the reason when it was not signalled. */
export interface CancelResult {
  pid: number
  cancelled: boolean
  /** Present when `cancelled` is false. */
  error?: string
}

/** A backend in the lock graph: one that waits for a lock, or holds one another waits for. */
export interface LockGraphNode extends ActivityDetails {
  pid: number
  database: string | null
  user: string | null
  state: string | null
  query: string | null
  /** The pids it waits for (pg_blocking_pids()); empty for a backend that waits on nobody. */
  blocked_by: number[]
}

/** blocker → waiter: `waiter` waits for a lock that `blocker` holds (or asked for first). */
export interface LockGraphEdge {
  blocker: number
  waiter: number
  /** The lock mode the waiter asked for (pg_locks.mode of its ungranted lock). */
  mode: string
  /** pg_locks.locktype of that lock. */
  locktype: string
  /** The relation when the lock is on one (its name in the maintenance database, else its OID); null otherwise. */
  relation: string | null
  /** Seconds the waiter has waited (pg_locks.waitstart on 14+; since its query started on 13). */
  waiting_seconds: number | null
}

/** Who blocks whom (GET-style read for the UI's lock tree). */
export interface LockGraph {
  nodes: LockGraphNode[]
  edges: LockGraphEdge[]
  /** Blockers that wait on nobody: end them and the tree beneath them can move. */
  roots: number[]
  /** Epoch milliseconds of the reading. */
  sampled_at: number
}

// ---------------------------------------------------------------- administration

export const CONTROL_ACTIONS = ['start', 'stop', 'restart', 'reload'] as const
export type ControlAction = (typeof CONTROL_ACTIONS)[number]

/** The answer to every successful control request. */
export interface ControlResponse {
  action: ControlAction
  /** 'ko': the command ran, but PostgreSQL did not come back (start, restart) or go away (stop) in time. */
  state: 'ok' | 'ko'
}

// ---------------------------------------------------------------- core

/** One entry of the trail (GET /notifications). */
export interface Notification {
  /** `YYYY-MM-DDTHH:MM:SS`, UTC, as the agent API writes it (no zone). */
  date: string
  username: string
  message: string
}

// ---------------------------------------------------------------- dashboard

export interface Counted {
  nb: number
  /** Epoch seconds of the reading. */
  time: number
}

export interface DatabasesSummary {
  /** Databases other than templates. */
  databases: number
  /** pg_size_pretty of their total size, e.g. "1242 MB". */
  total_size: string
  /** The server's clock, "HH24:MI". */
  time: string
  total_commit: number
  total_rollback: number
  /** Epoch seconds of the reading. */
  timestamp: number
}

/** Percentages of the time since the previous reading, one decimal. */
export interface CpuUsage {
  user: number
  system: number
  idle: number
  iowait: number
  steal: number
}

export interface MemoryUsage {
  /** kB. */
  total: number
  /** Percentages of total, one decimal: active is what is neither free nor page cache. */
  active: number
  cached: number
  free: number
}

/** The dashboard data set, field for field as the agent API documents it (GET /dashboard, /dashboard/live, each element of /dashboard/history). */
export interface Dashboard {
  buffers: Counted
  hitratio: number | null
  active_backends: Counted
  max_connections: number
  databases: DatabasesSummary
  pg_version: string
  pg_data: string | null
  pg_port: string
  pg_uptime: string
  hostname: string | null
  os_version: string | null
  n_cpu: number | null
  cpu: CpuUsage | null
  loadaverage: number | null
  memory: MemoryUsage | null
}

/** An element of GET /dashboard/history: the data set and when it was read (unix seconds), which the agent's UI charts against. */
export interface StampedDashboard extends Dashboard {
  timestamp: number
}

/** GET /dashboard and /dashboard/live: the data set, and what the agent's own UI reads next to it. */
export interface AgentDashboard extends StampedDashboard {
  /** The latest entries of the trail, newest first (the agent's last 15 notifications). */
  notifications: Notification[]
  /** The host's distribution ("Debian GNU/Linux 12 (bookworm)"); null when the host cannot be read or does not say. */
  linux_distribution: string | null
  /** The host's CPU models, each with its number of logical CPUs; null when the host cannot be read. */
  cpu_models: Record<string, number> | null
}

/** GET /dashboard/info. */
export type DashboardInfo = Pick<Dashboard, 'hostname' | 'os_version' | 'pg_port' | 'pg_uptime' | 'pg_version' | 'pg_data'>

export interface DashboardConfig {
  /** Data sets kept for /dashboard/history. */
  history_length: number
  /** Seconds between two collections. */
  scheduler_interval: number
}

/** What the UI's dashboard opens with: the kept history and how it is collected. */
export interface DashboardHistory {
  history: Dashboard[]
  config: DashboardConfig
  /** Whether the collector runs for this instance (active instances, while Vigil collects). */
  collecting: boolean
}

// ---------------------------------------------------------------- pgconf

export type SettingType = 'bool' | 'integer' | 'real' | 'string' | 'enum'

type SettingValue = string | number | null

/** One setting, as the agent lists it. */
export interface SettingRow {
  context: string
  /** The array's text ("{debug5,debug4,...}") or null. */
  enumvals: string | null
  max_val: SettingValue
  vartype: SettingType
  boot_val: SettingValue
  reset_val: SettingValue
  unit: string | null
  desc: string
  name: string
  min_val: SettingValue
  setting: SettingValue
  /** current_setting(): the value with its unit, as SHOW gives it ('128MB'). */
  setting_raw: string
  pending_restart: 't' | 'f'
}

export interface SettingsCategory {
  category: string
  rows: SettingRow[]
}

export interface RestartStatus {
  restart_changes: SettingRow[]
  restart_pending: boolean
}

export interface SettingChange {
  name: string
  /**
   * The new value as PostgreSQL would read it from postgresql.conf ('on', '128MB', '5min'); ""
   * resets it (ALTER SYSTEM RESET: the value of the configuration files, or the default).
   */
  setting: string
  /** Write it even when it is the value the setting has now (the agent's `"force": "true"`). */
  force?: boolean
}

/** One item of the answer to POST /pgconf/configuration, as the agent documents it. */
export interface SettingUpdate {
  /** The value written; "" for a reset. */
  setting: string
  /** The change waits for a PostgreSQL restart (a 'postmaster' setting whose value now differs from the running one). */
  restart: boolean
  name: string
  /** current_setting() before the change, with its unit ('4MB'). */
  previous_setting: string
}

/** An item that could not be set: the others were. */
export interface SettingFailure {
  name: string
  setting: string
  error: string
}

export interface SettingsUpdateResult {
  /** What was written (settings already at the value asked for are left alone, and not listed). */
  settings: SettingUpdate[]
  /** Vigil's addition, only when some items could not be set while others were. */
  errors?: SettingFailure[]
}

// ---------------------------------------------------------------- statements

/** One statement, with the agent's field names. Counters are JSON numbers; times in milliseconds. */
export interface StatementRow {
  rolname: string
  datname: string
  userid: number
  dbid: number
  /**
   * A 64-bit hash, given as a JSON number like the agent's, so values past 2^53 lose their last
   * digits; null where PostgreSQL hides it.
   */
  queryid: number | null
  query: string
  calls: number
  total_time: number
  min_time: number
  max_time: number
  mean_time: number
  stddev_time: number
  rows: number
  shared_blks_hit: number
  shared_blks_read: number
  shared_blks_dirtied: number
  shared_blks_written: number
  local_blks_hit: number
  local_blks_read: number
  local_blks_dirtied: number
  local_blks_written: number
  temp_blks_read: number
  temp_blks_written: number
  blk_read_time: number
  blk_write_time: number
}

export interface StatementsSnapshot {
  /** When the snapshot was taken, in the server's time zone: "2020-03-17 17:31:25.0929+01". */
  snapshot_datetime: string
  data: StatementRow[]
}

/** The UI's statements: the snapshot, and whether the role may reset the statistics. */
export interface StatementsView extends StatementsSnapshot {
  may_reset: boolean
}

// ---------------------------------------------------------------- maintenance

export type MaintenanceOperation = 'vacuum' | 'analyze' | 'reindex'
export const MAINTENANCE_OPERATIONS: readonly MaintenanceOperation[] = ['vacuum', 'analyze', 'reindex']

/**
 * What an operation works on, as the URL names it. No schema: the whole database. A schema and
 * a table: that table. A schema and an index (REINDEX only): that index.
 */
export interface MaintenanceTarget {
  database: string
  schema: string | null
  table: string | null
  index: string | null
}

/** VACUUM's options, parsed from the `mode` parameter ("full,analyze"). */
export interface VacuumOptions {
  full: boolean
  freeze: boolean
  analyze: boolean
}

/**
 * A job's life: scheduled → running → done | failed | cancelled; a scheduled job may also be
 * cancelled, or missed when Vigil could not start it in time.
 */
export type JobStatus = 'scheduled' | 'running' | 'done' | 'failed' | 'cancelled' | 'missed'

/** Which pg_stat_progress_* view a progress sample came from. */
export type ProgressSource = 'vacuum' | 'cluster' | 'analyze' | 'create_index'

/** One sample of a running job's progress, normalised across the progress views. */
export interface MaintenanceProgress {
  source: ProgressSource
  /** The view's own phase name, e.g. 'scanning heap', 'building index: loading tuples in tree'. */
  phase: string
  /** The relation being worked on now (a database-wide job moves from one to the next). */
  relation: string | null
  /** Work done and to do in this phase, in `unit`; null when the phase does not count. */
  done: number | null
  total: number | null
  unit: 'blocks' | 'indexes' | 'tables' | 'statistics' | 'tuples' | 'lockers' | null
  /** done / total in percent, one decimal. */
  percent: number | null
  /** The view's other counters, as the server version names them (e.g. dead_tuple_bytes on 17+). */
  detail: Record<string, number | null>
  /** Epoch milliseconds. */
  sampledAt: number
}

/** A maintenance job as Vigil keeps it (times in epoch milliseconds). */
export interface MaintenanceJob {
  /** Eight hexadecimal digits, as the agent API shows operation ids. */
  id: string
  instanceId: number
  operation: MaintenanceOperation
  target: MaintenanceTarget
  /** The table of the index an index job works on: jobs on one table never overlap. */
  indexTable: string | null
  /** VACUUM's mode as given ("full,analyze"); null for a plain VACUUM and for other operations. */
  mode: string | null
  /** When it is to run: the requested `datetime`, or the time of the request. */
  scheduledAt: number
  requestedAt: number
  requestedBy: string | null
  status: JobStatus
  progress: MaintenanceProgress | null
  startedAt: number | null
  finishedAt: number | null
  error: string | null
  /** WARNINGs the server sent while the job ran, e.g. "skipping "t" --- only table or database owner can vacuum it". */
  notices: string[]
}

/** A job with its statement in words, for the UI's jobs panel. */
export interface MaintenanceJobView extends MaintenanceJob {
  /** e.g. `VACUUM (FULL) "public"."city" in database "shop"`. */
  description: string
}

/** The UI's jobs panel: running (with progress), scheduled (due order), and the latest finished ones. */
export interface MaintenanceJobs {
  running: MaintenanceJobView[]
  scheduled: MaintenanceJobView[]
  past: MaintenanceJobView[]
}

/** One entry of the agent API's `.../scheduled` lists, field for field. */
export interface ScheduledOperation {
  /** "2019-03-23T11:28:00Z" */
  datetime: string
  dbname: string
  id: string
  index: string | null
  mode: string | null
  schema: string | null
  /** 'todo' (waiting for its time), 'queued' (due, waiting for a job on the same relation), 'doing'. */
  status: 'todo' | 'queued' | 'doing'
  table: string | null
}

/** A maintenance view's body, and what it cannot say (bloat the role may not estimate, …). */
export interface ViewResult<T> {
  body: T
  warnings: string[]
}

/** The size and bloat totals the instance view gives per database and the database view per schema. */
export interface RelationTotals {
  indexes_bloat_bytes: number | null
  indexes_bloat_size: string | null
  indexes_bytes: number | null
  indexes_size: string | null
  n_indexes: number | null
  n_tables: number | null
  tables_bloat_bytes: number | null
  tables_bloat_size: string | null
  tables_bytes: number | null
  tables_size: string | null
  toast_bytes: number | null
  toast_size: string | null
  total_bytes: number | null
  total_size: string | null
}

export type DatabaseSummary = RelationTotals & { datname: string }

export interface InstanceView {
  databases: DatabaseSummary[]
  instance: { total_bytes: number; total_size: string }
}

export type SchemaSummary = RelationTotals & { name: string }

export interface DatabaseView {
  schemas: SchemaSummary[]
  total_bytes: number
  total_size: string
}

export interface IndexSummary {
  bloat_bytes: number | null
  bloat_size: string | null
  def: string
  idx_tup_fetch: number | null
  idx_tup_read: number | null
  indexrelname: string
  indisunique: boolean
  name: string
  number_of_columns: number
  scans: number | null
  tablename: string
  tablespace: string | null
  total_bytes: number
  total_size: string
  type: string
}

export interface TableSummary {
  bloat_bytes: number | null
  bloat_size: string | null
  index_bloat_bytes: number | null
  index_bloat_size: string | null
  index_bytes: number
  index_size: string
  n_indexes: number
  name: string
  row_estimate: number | null
  table_bytes: number
  table_size: string
  toast_bytes: number
  toast_size: string
  total_bytes: number
  total_size: string
}

export interface SchemaView {
  indexes: IndexSummary[]
  size: string
  tables: TableSummary[]
  total_bytes: number
}

/** pg_stat_all_tables' upkeep figures of one table, for the UI's schema browser. */
export interface TableUpkeep {
  name: string
  n_live_tup: number | null
  n_dead_tup: number | null
  last_vacuum: string | null
  last_autovacuum: string | null
  last_analyze: string | null
  last_autoanalyze: string | null
}

/** The UI's schema view: the agent's, and each table's upkeep figures. */
export interface SchemaBrowse extends SchemaView {
  upkeep: TableUpkeep[]
}

/** A table of the schema view, less its index count, plus pg_stat_all_tables' counters. */
export type TableView = Omit<TableSummary, 'n_indexes'> & {
  analyze_count: number | null
  autoanalyze_count: number | null
  autovacuum_count: number | null
  fillfactor: number
  idx_scan: number | null
  idx_tup_fetch: number | null
  indexes: IndexSummary[]
  last_analyze: string | null
  last_autoanalyze: string | null
  last_autovacuum: string | null
  last_vacuum: string | null
  n_dead_tup: number | null
  n_live_tup: number | null
  n_mod_since_analyze: number | null
  n_tup_del: number | null
  n_tup_hot_upd: number | null
  n_tup_ins: number | null
  n_tup_upd: number | null
  relid: string
  relname: string
  schemaname: string
  seq_scan: number | null
  seq_tup_read: number | null
  vacuum_count: number | null
}

/** What the UI asks to run: an operation on a target, with VACUUM's mode and an optional time. */
export interface MaintenanceRequest {
  operation: MaintenanceOperation
  target: MaintenanceTarget
  /** VACUUM only: "full", "freeze", "analyze" or a comma-separated combination; null for a plain VACUUM. */
  mode?: string | null
  /** "YYYY-MM-DDTHH:MM:SSZ" (UTC), or null to run now. */
  datetime?: string | null
}
