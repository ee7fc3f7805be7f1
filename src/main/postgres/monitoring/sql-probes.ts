// The probes that read PostgreSQL. All of them are cluster-wide: one session (in any database)
// sees every database's row in pg_stat_database, pg_stat_activity, pg_locks and pg_database,
// so no probe needs a connection per database.
import type { Queryable } from '../queryable'
import type { CounterTracker } from './deltas'
import { hostDatetime } from './host-probes'
import { needing } from './privileges'
import { probeSql, type SqlProbeName } from './sql'
import type { ProbeRows, WalFilesRow } from './types'

export type CumulativeProbeName = Exclude<SqlProbeName, 'wal_files'>

/** What a role needs to run each probe, for the error that says so when the server refuses. */
const NEEDS: Record<SqlProbeName, string> = {
  sessions: 'the pg_monitor role',
  xacts: 'the pg_monitor role',
  locks: 'the pg_monitor role',
  blocks: 'the pg_monitor role',
  bgwriter: 'the pg_monitor role',
  db_size: 'the pg_monitor role (through pg_read_all_stats) or CONNECT on every database',
  tblspc_size: 'the pg_monitor role',
  wal_files: 'the pg_monitor role (pg_ls_waldir() and pg_ls_archive_statusdir() are granted to it) or superuser'
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
