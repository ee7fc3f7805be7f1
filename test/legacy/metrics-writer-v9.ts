// Release 9's metrics writer (before the series store): one SQLite transaction per flush into
// the metrics tables. The row store of the benchmarks and the fixture script; not used by Vigil.
import type { LiveSample } from '../../src/shared/contract'
import { isoSeconds } from '../../src/shared/time'
import type { EventBus } from '../../src/main/base/bus'
import type { SampleBatch } from '../../src/main/metrics/samples'
import type { MetricsRepo } from './metrics-repo-v9'

export interface MetricsWriterOptions {
  /** Longest a sample waits before it is written (and pushed live). */
  flushIntervalMs: number
  /** Rows that trigger a write at once. */
  maxBufferedRows: number
}

export const DEFAULT_WRITER_OPTIONS: MetricsWriterOptions = { flushIntervalMs: 100, maxBufferedRows: 5000 }

/**
 * Buffers samples from every collector and writes them in one transaction per flush, then
 * publishes them with their new ids. Batching is what makes ingest cheap; the short flush
 * interval keeps sample-to-WebSocket latency low.
 */
export class MetricsWriter {
  private buffer: SampleBatch[] = []
  private bufferedRows = 0
  private timer: NodeJS.Timeout | null = null

  constructor(
    private readonly repo: MetricsRepo,
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
    const batches = this.buffer
    this.buffer = []
    this.bufferedRows = 0
    if (batches.length === 0) return
    let written: Array<{ batch: SampleBatch; ids: number[] }>
    try {
      written = this.repo.insertBatches(batches).map((ids, index) => ({ batch: batches[index] as SampleBatch, ids }))
    } catch {
      // One bad batch (e.g. its server was deleted while it was buffered) must not cost the others.
      written = []
      for (const batch of batches) {
        try {
          written.push({ batch, ids: this.repo.insertBatches([batch])[0] ?? [] })
        } catch (error) {
          this.onError(error)
        }
      }
    }
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
