// The dashboard data set, field for field as the agent API documents it (GET /dashboard,
// /dashboard/live, each element of /dashboard/history).

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

/** GET /dashboard/info. */
export type DashboardInfo = Pick<Dashboard, 'hostname' | 'os_version' | 'pg_port' | 'pg_uptime' | 'pg_version' | 'pg_data'>
