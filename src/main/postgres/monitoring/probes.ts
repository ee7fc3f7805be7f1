import { AppError } from '../../../shared/errors'
import type { Queryable } from '../queryable'
import { systemClock, type Clock } from '../host/clock'
import type { SystemSource } from '../host/source'
import { CounterTracker } from './deltas'
import { cpu, filesystemsSize, loadavg, memory, processes } from './host-probes'
import { bloatProbe, cumulativeProbe, tempFilesSizeDelta, walFiles, type CumulativeProbeName } from './sql-probes'
import type { ConnectDatabase } from '../maintenance/types'
import { readServerVersionNum } from './sql'
import type { ProbeName, ProbeResult, ProbeRows } from './types'

/** The probes of GET /monitoring/probe/<name>, in the order the agent API documents them. */
export const PROBE_NAMES = [
  'sessions',
  'xacts',
  'locks',
  'blocks',
  'bgwriter',
  'db_size',
  'tblspc_size',
  'filesystems_size',
  'cpu',
  'process',
  'memory',
  'loadavg',
  'wal_files',
  // Not in the API's documentation, but polled by the agent's UI.
  'replication_lag',
  'replication_connection',
  'temp_files_size_delta',
  'heap_bloat',
  'btree_bloat'
] as const satisfies readonly ProbeName[]

export function isProbeName(name: string): name is ProbeName {
  return (PROBE_NAMES as readonly string[]).includes(name)
}

export interface MonitoringOptions {
  clock?: Clock
  /** How far apart the two samples of a first delta measurement are; 1 s by default. */
  primeWindowMs?: number
}

const DEFAULT_PRIME_WINDOW_MS = 1000

const noOtherDatabase: ConnectDatabase = () => Promise.reject(new AppError('internal', 'this probe needs sessions on other databases'))

type ProbeRunners = { [N in ProbeName]: (db: Queryable, connect: ConnectDatabase) => Promise<Array<ProbeRows[N]>> }

/**
 * The monitoring probes of one PostgreSQL instance. It keeps the previous sample of the probes
 * reported as deltas (cpu, process, wal_files), so keep one per instance for Vigil's life.
 */
export class MonitoringProbes {
  private readonly runners: ProbeRunners

  /** `system` reads the instance's host; null when Vigil cannot (see index.ts). */
  constructor(system: SystemSource | null, options: MonitoringOptions = {}) {
    const clock = options.clock ?? systemClock
    const tracker = new CounterTracker(clock, options.primeWindowMs ?? DEFAULT_PRIME_WINDOW_MS)
    /** A host probe answers an empty list when the host cannot be read. */
    const onHost =
      <R>(read: (system: SystemSource) => Promise<R[]>) =>
      async (): Promise<R[]> =>
        system ? read(system) : []
    // The server's version is read on every call: an instance can be upgraded while Vigil runs.
    const cumulative =
      <N extends CumulativeProbeName>(name: N) =>
      async (db: Queryable): Promise<Array<ProbeRows[N]>> =>
        cumulativeProbe(name, db, await readServerVersionNum(db))
    this.runners = {
      sessions: cumulative('sessions'),
      xacts: cumulative('xacts'),
      locks: cumulative('locks'),
      blocks: cumulative('blocks'),
      bgwriter: cumulative('bgwriter'),
      db_size: cumulative('db_size'),
      tblspc_size: cumulative('tblspc_size'),
      filesystems_size: onHost((host) => filesystemsSize(host, clock.now())),
      cpu: onHost((host) => cpu(host, tracker)),
      process: onHost((host) => processes(host, tracker)),
      memory: onHost((host) => memory(host, clock.now())),
      loadavg: onHost((host) => loadavg(host, clock.now())),
      wal_files: async (db) => walFiles(db, await readServerVersionNum(db), tracker),
      replication_lag: cumulative('replication_lag'),
      replication_connection: cumulative('replication_connection'),
      temp_files_size_delta: async (db) => tempFilesSizeDelta(db, await readServerVersionNum(db), tracker),
      heap_bloat: (db, connect) => bloatProbe('heap', db, connect),
      btree_bloat: (db, connect) => bloatProbe('btree', db, connect)
    }
  }

  /**
   * Runs one probe; `db` is a session on the instance (host probes do not use it), `connect`
   * opens one on another database (the bloat probes read each database).
   */
  async run<N extends ProbeName>(name: N, db: Queryable, connect: ConnectDatabase = noOtherDatabase): Promise<ProbeResult<N>> {
    if (!isProbeName(name)) throw new AppError('not_found', `Unknown monitoring probe '${String(name)}'`)
    const runner = this.runners[name] as (db: Queryable, connect: ConnectDatabase) => Promise<Array<ProbeRows[N]>>
    const rows = await runner(db, connect)
    return { [name]: rows } as ProbeResult<N>
  }
}
