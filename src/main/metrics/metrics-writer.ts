import type { LiveSample } from '../../shared/contract'
import { isoSeconds } from '../../shared/time'
import type { EventBus } from '../base/bus'
import type { MetricsStore } from './metrics-store'
import type { SampleBatch } from './samples'

export interface MetricsWriterOptions {
  /** Longest a sample waits before it is written (and pushed live). */
  flushIntervalMs: number
  /** Rows that trigger a write at once. */
  maxBufferedRows: number
}

export const DEFAULT_WRITER_OPTIONS: MetricsWriterOptions = { flushIntervalMs: 100, maxBufferedRows: 5000 }

/** Where the writer reports each server's newest sample (servers' last_seen). */
export interface SeenServers {
  markSeen(latest: ReadonlyMap<string, number>): void
}

/**
 * Buffers samples from every collector and writes them into the series store once per flush
 * (one append to its log), then publishes them with their ids. Batching is what makes ingest
 * cheap; the short flush interval keeps sample-to-WebSocket latency low.
 */
export class MetricsWriter {
  private buffer: SampleBatch[] = []
  private bufferedRows = 0
  private timer: NodeJS.Timeout | null = null

  constructor(
    private readonly store: MetricsStore,
    private readonly seen: SeenServers,
    private readonly bus: EventBus,
    private readonly options: MetricsWriterOptions = DEFAULT_WRITER_OPTIONS,
    private readonly onError: (error: unknown) => void = () => {}
  ) {}

  add(batch: SampleBatch): void {
    if (batch.rows.length === 0) return
    this.buffer.push(batch)
    this.bufferedRows += batch.rows.length
    if (this.bufferedRows >= this.options.maxBufferedRows) this.flush()
    else this.timer ??= setTimeout(() => this.flush(), this.options.flushIntervalMs)
  }

  /** Writes everything buffered now. */
  flush(): void {
    if (this.timer) clearTimeout(this.timer)
    this.timer = null
    // A time the store cannot encode would fail every later cut of its group: refused here.
    const batches = this.buffer.filter((batch) => {
      if (Number.isSafeInteger(batch.ts) && batch.ts >= 0) return true
      this.onError(new RangeError(`a ${batch.metric} sample of server ${batch.serverId} has no valid time (${batch.ts})`))
      return false
    })
    this.buffer = []
    this.bufferedRows = 0
    if (batches.length === 0) return
    let written: Array<{ batch: SampleBatch; ids: number[] }>
    try {
      written = this.store.write(batches).map((ids, index) => ({ batch: batches[index] as SampleBatch, ids }))
    } catch (error) {
      // The log could not be written (disk full?): the store keeps the samples it took and logs
      // them with the next flush; they are not published, as their ids are not known.
      this.onError(error)
      return
    }
    const latest = new Map<string, number>()
    for (const batch of batches) latest.set(batch.serverId, Math.max(batch.ts, latest.get(batch.serverId) ?? 0))
    this.seen.markSeen(latest)
    for (const { batch, ids } of written) {
      // Rows are not copied: collectors hand them over and never touch them again.
      const samples: LiveSample[] = batch.rows.map((values, row) => ({ id: ids[row] ?? 0, values }))
      this.bus.publish('metrics.samples', { metric: batch.metric, serverId: batch.serverId, timestamp: isoSeconds(batch.ts), samples })
    }
  }

  close(): void {
    this.flush()
  }
}
