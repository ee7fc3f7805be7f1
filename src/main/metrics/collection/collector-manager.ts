import type { EventBus } from '../../base/bus'
import type { ServersService, ServerRow } from '../../servers'
import type { OnceResult } from './collect-once'

/** One server's collection, whatever reaches it. */
export interface Collector {
  start(): void
  stop(): Promise<void>
  /** Every metric once, now (the platform API's sync); throws without a working connection. */
  collectNow?(): Promise<OnceResult[]>
}

export type CollectorFactory = (row: ServerRow) => Collector

/** Delay between collector starts, so a big fleet does not do all its SSH handshakes in the same second. */
export const START_STAGGER_MS = 10

/** What, when it changes, means the collector must be rebuilt. */
function collectionKey(row: ServerRow): string {
  return JSON.stringify([
    row.collector,
    row.ip_address,
    row.ssh_port,
    row.ssh_username,
    row.ssh_key_path,
    row.ssh_password_enc,
    row.ssh_key_passphrase_enc,
    row.monitoring_interval
  ])
}

function wanted(row: ServerRow): boolean {
  return row.monitoring_enabled === 1 && row.status !== 'inactive'
}

/**
 * Keeps one collector per monitored server in step with the registry: a server added,
 * changed (interval, credentials, address), disabled or deleted takes effect at once,
 * without a restart.
 */
export class CollectorManager {
  private readonly running = new Map<string, { key: string; collector: Collector }>()
  private unsubscribe: (() => void) | null = null
  private pendingStarts = new Set<NodeJS.Timeout>()

  constructor(
    private readonly servers: ServersService,
    private readonly bus: EventBus,
    private readonly create: CollectorFactory
  ) {}

  start(): void {
    this.unsubscribe = this.bus.subscribe('servers.changed', () => this.reconcile())
    this.reconcile()
  }

  /** Brings the running collectors in line with the registry. */
  reconcile(): void {
    const rows = new Map(this.servers.allRows().map((row) => [row.id, row]))
    for (const [id, entry] of this.running) {
      const row = rows.get(id)
      if (!row || !wanted(row) || collectionKey(row) !== entry.key) {
        this.running.delete(id)
        void entry.collector.stop()
      }
    }
    let position = 0
    for (const row of rows.values()) {
      if (!wanted(row)) {
        if (row.collection_state !== 'disabled') this.servers.setCollectionState(row.id, 'disabled', null)
        continue
      }
      if (this.running.has(row.id)) continue
      const collector = this.create(row)
      this.running.set(row.id, { key: collectionKey(row), collector })
      const timer = setTimeout(() => {
        this.pendingStarts.delete(timer)
        if (this.running.get(row.id)?.collector === collector) collector.start()
      }, position++ * START_STAGGER_MS)
      this.pendingStarts.add(timer)
    }
  }

  /** Restarts one server's collector (after its host key was accepted, say). */
  restart(id: string): void {
    const entry = this.running.get(id)
    if (!entry) return
    this.running.delete(id)
    void entry.collector.stop().then(() => this.reconcile())
  }

  /** One full collection of a server now, by its running collector; null when none runs (monitoring off). */
  collectNow(id: string): Promise<OnceResult[]> | null {
    const collector = this.running.get(id)?.collector
    return collector?.collectNow ? collector.collectNow() : null
  }

  async stop(): Promise<void> {
    this.unsubscribe?.()
    this.unsubscribe = null
    for (const timer of this.pendingStarts) clearTimeout(timer)
    this.pendingStarts.clear()
    const entries = [...this.running.values()]
    this.running.clear()
    await Promise.all(entries.map((entry) => entry.collector.stop()))
  }

  get size(): number {
    return this.running.size
  }
}
