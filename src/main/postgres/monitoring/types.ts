// The rows each monitoring probe returns, field for field as the agent API documents them.
// A probe answers `{ "<probe name>": [rows] }`.

/** PostgreSQL's timestamptz text for SQL probes ("2017-04-21 08:24:45.003511+02"); UTC "2017-04-21 07:16:25 +0000" for host probes and wal_files. */
type Datetime = string

export interface SessionsRow {
  datetime: Datetime
  port: number
  dbname: string
  active: number
  waiting: number
  idle: number
  idle_in_xact: number
  idle_in_xact_aborted: number
  fastpath: number
  disabled: number
  no_priv: number
}

/** Cumulative since the statistics were last reset, as the agent's API reports them. */
export interface XactsRow {
  datetime: Datetime
  port: number
  dbname: string
  n_commit: number
  n_rollback: number
}

export interface LocksRow {
  datetime: Datetime
  port: number
  dbname: string
  access_share: number
  waiting_access_share: number
  row_share: number
  waiting_row_share: number
  row_exclusive: number
  waiting_row_exclusive: number
  share_update_exclusive: number
  waiting_share_update_exclusive: number
  share: number
  waiting_share: number
  share_row_exclusive: number
  waiting_share_row_exclusive: number
  exclusive: number
  waiting_exclusive: number
  access_exclusive: number
  waiting_access_exclusive: number
  siread: number
}

export interface BlocksRow {
  datetime: Datetime
  port: number
  dbname: string
  blks_read: number
  blks_hit: number
  /** Percentage of block reads served from shared buffers. */
  hitmiss_ratio: number
}

export interface BgwriterRow {
  datetime: Datetime
  port: number
  checkpoints_timed: number
  checkpoints_req: number
  /** Milliseconds. */
  checkpoint_write_time: number
  /** Milliseconds. */
  checkpoint_sync_time: number
  buffers_checkpoint: number
  buffers_clean: number
  maxwritten_clean: number
  buffers_backend: number
  buffers_backend_fsync: number
  buffers_alloc: number
  stats_reset: Datetime | null
}

export interface DbSizeRow {
  datetime: Datetime
  port: number
  dbname: string
  /** Bytes. */
  size: number
}

export interface TblspcSizeRow {
  datetime: Datetime
  port: number
  spcname: string
  /** Bytes; null where the monitoring role may not read it. */
  size: number | null
}

export interface FilesystemsSizeRow {
  datetime: Datetime
  device: string
  mount_point: string
  /** Bytes. */
  total: number
  /** Bytes. */
  used: number
}

/** Milliseconds spent in each state during measure_interval (seconds), per CPU. */
export interface CpuRow {
  datetime: Datetime
  cpu: string
  measure_interval: number
  time_user: number
  time_system: number
  time_idle: number
  time_iowait: number
  time_steal: number
}

export interface ProcessRow {
  datetime: Datetime
  measure_interval: number
  /** Processes (scheduling entities) that exist now; a string, as the agent reports it. */
  procs_total: string
  procs_running: number
  procs_blocked: number
  /** Processes created during measure_interval. */
  forks: number
  /** Context switches during measure_interval. */
  context_switches: number
}

/** Bytes. */
export interface MemoryRow {
  datetime: Datetime
  mem_total: number
  mem_used: number
  mem_free: number
  mem_buffers: number
  mem_cached: number
  swap_total: number
  swap_used: number
}

/** The kernel's own text, e.g. "0.07". */
export interface LoadavgRow {
  datetime: Datetime
  load1: string
  load5: string
  load15: string
}

export interface WalFilesRow {
  datetime: Datetime
  port: number
  /** WAL segments in pg_wal. */
  total: number
  /** Bytes. */
  total_size: number
  /** Segments waiting for archive_command. */
  archive_ready: number
  current_location: string
  /** Bytes of WAL written (received, on a standby) during measure_interval. */
  written_size: number
  measure_interval: number
}

// The probes the agent's UI polls besides the 13 the API documents, in the same shape: a
// datetime and the port, then the probe's own fields, as temboard-agent's probes name them.

/** Bytes of temporary files written per database during measure_interval (pg_stat_database.temp_bytes). */
export interface TempFilesSizeDeltaRow {
  datetime: Datetime
  port: number
  dbname: string
  size: number
  measure_interval: number
}

/** A standby only: how far replay is behind the primary's WAL position as last heard from it, in bytes. */
export interface ReplicationLagRow {
  datetime: Datetime
  port: number
  lag: number
}

/** A standby only: the primary it replicates from, and whether it is streaming from it now (1) or not (0). */
export interface ReplicationConnectionRow {
  datetime: Datetime
  port: number
  upstream: string | null
  connected: number
}

/** Per database: the estimated share of bloat in its tables (heap_bloat) or B-tree indexes (btree_bloat), in %. */
export interface BloatRow {
  datetime: Datetime
  port: number
  dbname: string
  /** Null when no relation of the database has an estimate (statistics the role may not read, never analyzed). */
  ratio: number | null
}

export interface ProbeRows {
  sessions: SessionsRow
  xacts: XactsRow
  locks: LocksRow
  blocks: BlocksRow
  bgwriter: BgwriterRow
  db_size: DbSizeRow
  tblspc_size: TblspcSizeRow
  filesystems_size: FilesystemsSizeRow
  cpu: CpuRow
  process: ProcessRow
  memory: MemoryRow
  loadavg: LoadavgRow
  wal_files: WalFilesRow
  replication_lag: ReplicationLagRow
  replication_connection: ReplicationConnectionRow
  temp_files_size_delta: TempFilesSizeDeltaRow
  heap_bloat: BloatRow
  btree_bloat: BloatRow
}

export type ProbeName = keyof ProbeRows

/** What GET /monitoring/probe/<name> answers. */
export type ProbeResult<N extends ProbeName> = { [K in N]: Array<ProbeRows[K]> }
