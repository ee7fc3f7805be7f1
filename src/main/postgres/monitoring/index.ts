// The engine of the agent API's monitoring plugin: GET /monitoring/probe/<name> for the 13
// documented probes and the five more the agent's UI polls (below). `new MonitoringProbes(system)` once per registered instance, then
// `probes.run(name, db)` answers `{ "<name>": [rows] }` exactly as the spec shows.
//
// What each probe reports:
//   sessions, xacts, locks, blocks, bgwriter, db_size, tblspc_size
//       one SQL query on any session of the instance; a row per database that accepts
//       connections (bgwriter: one row; tblspc_size: a row per tablespace). Counters are
//       cumulative since the last statistics reset, as the agent's API reports them.
//   wal_files
//       one SQL query; written_size and measure_interval are the change since the previous
//       call (a standby reports its receive position).
//   cpu, process
//       the change since the previous call: time per state per CPU in ms, forks and context
//       switches, with measure_interval in seconds. The first call of a probe (and the first
//       after a counter went backwards) samples twice, primeWindowMs apart.
//   filesystems_size, memory, loadavg
//       the host's figures now.
//   temp_files_size_delta
//       temporary file bytes written per database since the previous call (as cpu, process).
//   replication_lag, replication_connection
//       a standby only (an empty list on a primary, as the agent gives): the bytes of WAL it has
//       yet to replay behind the primary's position as its sender last said it; the primary it
//       follows and whether it streams from it now (1/0).
//   heap_bloat, btree_bloat
//       per database the role may connect to, each on a session of its own there: the
//       estimated share of bloat in its tables or B-tree indexes (maintenance/bloat-sql.ts).
//
// Without a system source (a remote instance whose server is not registered in Vigil), the
// five host probes — filesystems_size, cpu, process, memory, loadavg — answer an empty list,
// e.g. {"cpu": []}, as the agent does where it cannot read the host. The SQL probes do not
// depend on it.
//
// Privileges: everything works with the pg_monitor role; no probe needs a superuser on
// PostgreSQL 13 to 18. A refused read fails with a 'forbidden' AppError naming the probe and
// what it needs (e.g. wal_files without pg_monitor).
export { MonitoringProbes, PROBE_NAMES, isProbeName, type MonitoringOptions } from './probes'
export type * from './types'
