import type { Queryable } from '../queryable'
import { systemClock, type Clock } from '../host/clock'
import type { SystemSource } from '../host/source'
import { CpuUsageMeter, memoryUsage } from './host-usage'
import { ALL_PG_FACTS, formatUptime, readPgFacts, type PgFacts } from './pg-facts'
import type { Counted, CpuUsage, Dashboard, DashboardInfo, DatabasesSummary, MemoryUsage } from './types'

export interface DashboardReaderOptions {
  clock?: Clock
  /** How far apart the two CPU readings of a lone CPU measurement are; 250 ms by default. */
  cpuWindowMs?: number
}

const DEFAULT_CPU_WINDOW_MS = 250

type HostPart = Pick<Dashboard, 'hostname' | 'os_version' | 'n_cpu' | 'cpu' | 'loadaverage' | 'memory'>

const NO_HOST: HostPart = { hostname: null, os_version: null, n_cpu: null, cpu: null, loadaverage: null, memory: null }

/**
 * Reads the dashboard of one instance: the full data set and each sub-endpoint's part, live.
 * Keep one per instance: its CPU meter measures from the previous reading.
 */
export class DashboardReader {
  private readonly clock: Clock
  private readonly cpuMeter: CpuUsageMeter | null

  /** `system` reads the instance's host; null when Vigil cannot (see index.ts). */
  constructor(
    private readonly system: SystemSource | null,
    options: DashboardReaderOptions = {}
  ) {
    this.clock = options.clock ?? systemClock
    this.cpuMeter = system ? new CpuUsageMeter(system, this.clock, options.cpuWindowMs ?? DEFAULT_CPU_WINDOW_MS) : null
  }

  /** The whole data set: GET /dashboard/live, and what the collector keeps. */
  async dashboard(db: Queryable): Promise<Dashboard> {
    const [pg, host] = await Promise.all([readPgFacts(db, ALL_PG_FACTS), this.hostPart()])
    return {
      buffers: this.counted(pg.buffers_alloc),
      hitratio: pg.hitratio,
      active_backends: this.counted(pg.active_backends),
      max_connections: pg.max_connections,
      databases: this.databasesSummary(pg.databases),
      pg_version: pg.pg_version,
      pg_data: pg.pg_data,
      pg_port: pg.pg_port,
      pg_uptime: formatUptime(pg.uptime_seconds),
      ...host
    }
  }

  async buffers(db: Queryable): Promise<{ buffers: Counted }> {
    const pg = await readPgFacts(db, ['buffers_alloc'])
    return { buffers: this.counted(pg.buffers_alloc) }
  }

  async hitratio(db: Queryable): Promise<{ hitratio: number | null }> {
    return readPgFacts(db, ['hitratio'])
  }

  async activeBackends(db: Queryable): Promise<{ active_backends: Counted }> {
    const pg = await readPgFacts(db, ['active_backends'])
    return { active_backends: this.counted(pg.active_backends) }
  }

  async maxConnections(db: Queryable): Promise<{ max_connections: number }> {
    return readPgFacts(db, ['max_connections'])
  }

  async databases(db: Queryable): Promise<{ databases: DatabasesSummary }> {
    const pg = await readPgFacts(db, ['databases'])
    return { databases: this.databasesSummary(pg.databases) }
  }

  async pgVersion(db: Queryable): Promise<{ pg_version: string }> {
    return readPgFacts(db, ['pg_version'])
  }

  async info(db: Queryable): Promise<DashboardInfo> {
    const [pg, identity] = await Promise.all([readPgFacts(db, ['pg_port', 'uptime_seconds', 'pg_version', 'pg_data']), this.system?.identity()])
    return {
      hostname: identity?.hostname ?? null,
      os_version: identity?.osVersion ?? null,
      pg_port: pg.pg_port,
      pg_uptime: formatUptime(pg.uptime_seconds),
      pg_version: pg.pg_version,
      pg_data: pg.pg_data
    }
  }

  async cpu(): Promise<{ cpu: CpuUsage | null }> {
    return { cpu: this.cpuMeter ? await this.cpuMeter.usage() : null }
  }

  async loadaverage(): Promise<{ loadaverage: number | null }> {
    const load = await this.system?.loadAverage()
    return { loadaverage: load ? Number(load.load1) : null }
  }

  async memory(): Promise<{ memory: MemoryUsage | null }> {
    const mem = await this.system?.memInfo()
    return { memory: mem ? memoryUsage(mem) : null }
  }

  async hostname(): Promise<{ hostname: string | null }> {
    return { hostname: (await this.system?.identity())?.hostname ?? null }
  }

  async osVersion(): Promise<{ os_version: string | null }> {
    return { os_version: (await this.system?.identity())?.osVersion ?? null }
  }

  async nCpu(): Promise<{ n_cpu: number | null }> {
    return { n_cpu: (await this.system?.identity())?.cpuCount ?? null }
  }

  /** The distribution and the CPU models, as the agent's UI shows them; nulls when the host cannot be read. */
  async hostDescription(): Promise<{ linux_distribution: string | null; cpu_models: Record<string, number> | null }> {
    const description = await this.system?.description?.().catch(() => null)
    return { linux_distribution: description?.distribution ?? null, cpu_models: description?.cpuModels ?? null }
  }

  /**
   * Each host figure on its own: one the host cannot give (a file it lacks, a read that timed
   * out) is null, and the others are still numbers; PostgreSQL's part never waits on a failure.
   */
  private async hostPart(): Promise<HostPart> {
    if (!this.system || !this.cpuMeter) return NO_HOST
    const orNull = <T>(read: Promise<T>): Promise<T | null> => read.catch(() => null)
    const [identity, cpu, load, mem] = await Promise.all([
      orNull(this.system.identity()),
      orNull(this.cpuMeter.usage()),
      orNull(this.system.loadAverage()),
      orNull(this.system.memInfo())
    ])
    return {
      hostname: identity?.hostname ?? null,
      os_version: identity?.osVersion ?? null,
      n_cpu: identity?.cpuCount ?? null,
      cpu,
      loadaverage: load ? Number(load.load1) : null,
      memory: mem ? memoryUsage(mem) : null
    }
  }

  private counted(nb: number): Counted {
    return { nb, time: this.clock.now() / 1000 }
  }

  private databasesSummary(databases: PgFacts['databases']): DatabasesSummary {
    return { ...databases, timestamp: this.clock.now() / 1000 }
  }
}
