// The engine of the agent API's dashboard plugin. Per registered instance:
//   const reader = new DashboardReader(system)            live reads
//   const history = new DashboardHistorySeries(series, instanceId)   one per instance, for Vigil's life
//   const collector = new DashboardCollector({ collect: () => withSession((db) => reader.dashboard(db)), store, history })
//   collector.start() … await collector.stop()
//
// The history lives in the series store (series-mapping.ts: pg_dashboard and pg_dashboard_info,
// labelled instance_id), so it survives restarts; deleteDashboardSeries() when the instance goes.
//
//   GET /dashboard                  collector.current()
//   GET /dashboard/config           collector.config()      (a change: collector.setConfig(body))
//   GET /dashboard/live             reader.dashboard(db)
//   GET /dashboard/history          collector.history()
//   GET /dashboard/buffers          reader.buffers(db)           /hitratio        reader.hitratio(db)
//   GET /dashboard/active_backends  reader.activeBackends(db)    /cpu             reader.cpu()
//   GET /dashboard/loadaverage      reader.loadaverage()         /memory          reader.memory()
//   GET /dashboard/hostname         reader.hostname()            /os_version      reader.osVersion()
//   GET /dashboard/pg_version       reader.pgVersion(db)         /n_cpu           reader.nCpu()
//   GET /dashboard/databases        reader.databases(db)         /info            reader.info(db)
//   GET /dashboard/max_connections  reader.maxConnections(db)
//
// The host's fields come from a SystemSource (system/source.ts): this machine for a local
// instance, the server over SSH for one whose server is registered too. Without one (a remote
// instance whose server Vigil cannot reach), these fields are null — every other field is
// PostgreSQL's and always present:
//   hostname, os_version, n_cpu, cpu, loadaverage, memory
// (in the full data set, the history, /dashboard/info, and their own sub-endpoints).
// pg_data is null for a role that may not read data_directory (pg_monitor may).
//
// Privileges: pg_monitor is enough for everything; without it, sizing a database the role may
// not CONNECT to fails with a 'forbidden' AppError that says so.
export { DashboardCollector, HISTORY_FROM_KEY, type DashboardCollectorOptions, type IntervalTimers } from './collector'
export { DashboardHistorySeries, dashboardGroupsOf, deleteDashboardSeries, type StoredDashboard } from './history-series'
export { DASHBOARD_COLUMNS, DASHBOARD_INFO_METRIC, DASHBOARD_METRIC, INSTANCE_LABEL } from './series-mapping'
export {
  DASHBOARD_CONFIG_KEYS,
  DASHBOARD_CONFIG_LIMITS,
  DEFAULT_DASHBOARD_CONFIG,
  parseDashboardConfigChange,
  type ConfigStore,
  type DashboardConfig
} from './config'
export { DashboardReader, type DashboardReaderOptions } from './reader'
export type * from './types'
