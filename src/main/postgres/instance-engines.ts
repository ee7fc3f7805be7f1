import { performance } from 'node:perf_hooks'
import { DashboardCollector, DashboardHistorySeries, DashboardReader } from './dashboard'
import { MonitoringProbes } from './monitoring'
import type { PgTarget, PostgresPools } from './pool'
import type { SystemSource } from './host/source'
import type { EventBus } from '../base/bus'
import type { SettingsRepo } from '../base/db/settings-repo'
import type { SeriesStore } from '../base/series/series-store'
import type { LinkedHosts } from './host/linked-hosts'
import type { PostgresInstancesService } from './instances-service'
import { messageOf } from '../base/text'

/** What the dashboard and monitoring plugins keep per instance for Vigil's life. */
export interface InstanceEngines {
  reader: DashboardReader
  collector: DashboardCollector
  probes: MonitoringProbes
}

/**
 * One dashboard collector (history) and one set of monitoring probes (deltas) per PostgreSQL
 * instance, kept in step with the registry. The host's side (CPU, memory, load, file systems)
 * is read where LinkedHosts says: the linked server (over SSH, or this machine for the built-in
 * one), else this machine for an instance on loopback; other hosts have none.
 */
export class PgInstanceEngines {
  private readonly engines = new Map<number, { key: string; engines: InstanceEngines }>()
  /** Each instance's dashboard series, kept across rebuilt engines. */
  private readonly histories = new Map<number, DashboardHistorySeries>()
  private unsubscribe: (() => void) | null = null
  private collecting = false

  constructor(
    private readonly instances: PostgresInstancesService,
    private readonly pools: PostgresPools,
    private readonly settings: SettingsRepo,
    private readonly bus: EventBus,
    private readonly hosts: LinkedHosts,
    private readonly series: SeriesStore,
    /** How long dashboard series are kept (see DashboardCollector's retentionMs). */
    private readonly retentionMs: number | undefined,
    private readonly onError: (instanceId: number, error: unknown) => void
  ) {}

  /** Starts the dashboards' periodic collection for active instances, following registry changes. */
  start(): void {
    this.collecting = true
    this.unsubscribe = this.bus.subscribe('postgres.changed', () => void this.sync())
    void this.sync()
  }

  async stop(): Promise<void> {
    this.collecting = false
    this.unsubscribe?.()
    await Promise.all([...this.engines.values()].map((entry) => entry.engines.collector.stop()))
    this.engines.clear()
  }

  /** Whether the instance's dashboard is collected periodically: active instances, while Vigil collects. */
  collects(instanceId: number): boolean {
    return this.collecting && this.instances.get(instanceId).is_active
  }

  /**
   * An instance was deleted: its collector stops at once (a collection under way is not stored)
   * and its dashboard series go.
   */
  forget(instanceId: number): void {
    this.engines.get(instanceId)?.engines.collector.detach()
    this.engines.delete(instanceId)
    // Also stops a collector already taken out of the engines (made inactive just before) from
    // storing the collection it still had under way.
    const history = this.histories.get(instanceId) ?? new DashboardHistorySeries(this.series, instanceId)
    this.histories.delete(instanceId)
    history.delete()
  }

  /** The engines of an instance (404 when it is not registered). */
  of(instanceId: number): InstanceEngines {
    const target = this.instances.target(instanceId)
    const host = this.hosts.hostOf(this.instances.get(instanceId))
    // Linking another server (or moving it) changes where the host side is read: start over.
    const key = `${target.host}:${target.port}|${host?.key ?? 'none'}`
    const existing = this.engines.get(instanceId)
    if (existing && existing.key === key) return existing.engines
    void existing?.engines.collector.stop()
    const engines = this.build(target, host?.system ?? null)
    this.engines.set(instanceId, { key, engines })
    if (this.collecting && this.instances.get(instanceId).is_active) engines.collector.start()
    return engines
  }

  private build(target: PgTarget, system: SystemSource | null): InstanceEngines {
    const reader = new DashboardReader(system)
    const prefix = `pg.${target.id}.`
    let history = this.histories.get(target.id)
    if (!history) this.histories.set(target.id, (history = new DashboardHistorySeries(this.series, target.id)))
    const collector = new DashboardCollector({
      collect: () => this.announced(target.id, () => this.pools.withClient(this.instances.target(target.id), (db) => reader.dashboard(db))),
      store: { get: (key) => this.settings.get(prefix + key) ?? null, set: (key, value) => this.settings.set(prefix + key, value) },
      history,
      retentionMs: this.retentionMs,
      onError: (error) => this.onError(target.id, error)
    })
    return { reader, collector, probes: new MonitoringProbes(system) }
  }

  /** A collection, its end announced (postgres.collected) for the platform API's sources. */
  private async announced<T>(instanceId: number, collect: () => Promise<T>): Promise<T> {
    const started = performance.now()
    const end = (ok: boolean, error: string | null): void =>
      this.bus.publish('postgres.collected', { instanceId, ok, error, durationMs: performance.now() - started, at: Date.now() })
    try {
      const result = await collect()
      end(true, null)
      return result
    } catch (error) {
      end(false, messageOf(error))
      throw error
    }
  }

  private async sync(): Promise<void> {
    const active = new Set(this.instances.list({}).filter((instance) => instance.is_active).map((instance) => instance.id))
    for (const [id, entry] of this.engines) {
      if (!active.has(id)) {
        this.engines.delete(id)
        await entry.engines.collector.stop()
      }
    }
    for (const id of active) this.of(id)
  }
}
