// The probes that read PostgreSQL. Most are cluster-wide: one session (in any database) sees
// every database's row in pg_stat_database, pg_stat_activity, pg_locks and pg_database. The
// bloat probes read each database's own catalogs, on a session of their own per database.
import type { Queryable } from '../queryable'
import { bloatRatioSql } from '../maintenance/views-sql'
import type { ConnectDatabase } from '../maintenance/types'
import type { CounterTracker } from './deltas'
import { hostDatetime } from './host-probes'
import { needing } from './privileges'
import { PROBE_STAMP, probeSql, type SqlProbeName } from './sql'
import type { BloatRow, ProbeRows, TempFilesSizeDeltaRow, WalFilesRow } from './types'

export type CumulativeProbeName = Exclude<SqlProbeName, 'wal_files' | 'temp_files_size_delta'>

/** What a role needs to run each probe, for the error that says so when the server refuses. */
const NEEDS: Record<SqlProbeName, string> = {
  sessions: 'the pg_monitor role',
  xacts: 'the pg_monitor role',
  locks: 'the pg_monitor role',
  blocks: 'the pg_monitor role',
  bgwriter: 'the pg_monitor role',
  db_size: 'the pg_monitor role (through pg_read_all_stats) or CONNECT on every database',
  tblspc_size: 'the pg_monitor role',
  wal_files: 'the pg_monitor role (pg_ls_waldir() and pg_ls_archive_statusdir() are granted to it) or superuser',
  replication_lag: 'the pg_monitor role (pg_stat_wal_receiver shows its positions to pg_read_all_stats)',
  replication_connection: 'the pg_monitor role',
  temp_files_size_delta: 'the pg_monitor role'
}

/** Runs a probe whose SQL returns its rows as they are reported. */
export async function cumulativeProbe<N extends CumulativeProbeName>(
  name: N,
  db: Queryable,
  serverVersionNum: number
): Promise<Array<ProbeRows[N]>> {
  const { rows } = await needing(db.query<ProbeRows[N]>(probeSql(name, serverVersionNum)), `The ${name} probe`, NEEDS[name])
  return rows
}

interface WalReading {
  port: number
  total: number
  total_size: number
  archive_ready: number
  current_location: string
  /** Bytes since WAL position 0/0. */
  position: number
}

/** WAL segments on disk, the archiver's backlog, and the WAL written since the previous call. */
export async function walFiles(db: Queryable, serverVersionNum: number, tracker: CounterTracker): Promise<WalFilesRow[]> {
  const sql = probeSql('wal_files', serverVersionNum)
  const { reading, at, change } = await tracker.measure(
    'wal_files',
    async () => {
      const { rows } = await needing(db.query<WalReading>(sql), 'The wal_files probe', NEEDS.wal_files)
      const [row] = rows
      if (!row) throw new Error('the wal_files query returned no row')
      return row
    },
    (row) => ({ wal: { written_size: row.position } })
  )
  return [
    {
      datetime: hostDatetime(at),
      port: reading.port,
      total: reading.total,
      total_size: reading.total_size,
      archive_ready: reading.archive_ready,
      current_location: reading.current_location,
      written_size: change.deltas.wal?.written_size ?? 0,
      measure_interval: change.measureInterval
    }
  ]
}

interface TempFilesReading {
  datetime: string
  port: number
  dbname: string
  size: number
}

/** Temporary file bytes written per database since the previous call. */
export async function tempFilesSizeDelta(db: Queryable, serverVersionNum: number, tracker: CounterTracker): Promise<TempFilesSizeDeltaRow[]> {
  const sql = probeSql('temp_files_size_delta', serverVersionNum)
  const { reading, change } = await tracker.measure(
    'temp_files_size_delta',
    async () => (await needing(db.query<TempFilesReading>(sql), 'The temp_files_size_delta probe', NEEDS.temp_files_size_delta)).rows,
    (rows) => Object.fromEntries(rows.map((row) => [row.dbname, { size: row.size }]))
  )
  return reading.map((row) => ({
    datetime: row.datetime,
    port: row.port,
    dbname: row.dbname,
    size: change.deltas[row.dbname]?.size ?? 0,
    measure_interval: change.measureInterval
  }))
}

/**
 * heap_bloat or btree_bloat: a row per database that accepts connections and that the role may
 * connect to, each read on a session of its own there (one at a time), as statistics estimates
 * (see maintenance/bloat-sql.ts for what they can and cannot see).
 */
export async function bloatProbe(kind: 'heap' | 'btree', db: Queryable, connect: ConnectDatabase): Promise<BloatRow[]> {
  const { rows: databases } = await db.query<{ datname: string; datetime: string; port: number }>(
    `SELECT ${PROBE_STAMP}, datname FROM pg_database
      WHERE datallowconn AND has_database_privilege(datname, 'CONNECT') ORDER BY datname`
  )
  const sql = bloatRatioSql(kind)
  const out: BloatRow[] = []
  for (const { datname, datetime, port } of databases) {
    const session = await connect(datname)
    try {
      const { rows } = await session.query<{ ratio: number | null }>(sql)
      out.push({ datetime, port, dbname: datname, ratio: rows[0]?.ratio ?? null })
    } finally {
      await session.end().catch(() => undefined)
    }
  }
  return out
}
