import type { MetricName } from '../../../shared/metrics'
import type { CollectionState } from '../../../shared/servers'
import type { SampleValues } from '../samples'
import type { Collector } from './collector-manager'
import type { InterfaceCounters, OsKind, Parsed } from '../parsers/types'
import type { CommandRunner, StreamHandle } from '../../base/exec/runner'
import { messageOf } from '../../base/text'
import type { OnceResult } from './collect-once'

/** What a stream's reader made of a chunk, for one metric: the rows (or the error) the chunk completed. */
export interface StreamReport {
  metric: MetricName
  parsed: Parsed<SampleValues>
  /** This command cannot give the metric on this host: run the stream's fallback from now on (a /proc/net/dev that does not read). */
  useFallback?: boolean
}

export interface StreamReader {
  /** Feeds raw output (any chunking); returns a report per metric the chunk completed something of. */
  push(chunk: string): StreamReport[]
}

/**
 * A long-running command that prints a report per interval, read as it streams: `vmstat N`,
 * `iostat N`, and the report loop that prints the interface counters and the processes.
 */
export interface StreamingMetric {
  /** What it reports: one metric, or several (the report loop). */
  metrics: MetricName[]
  command: string
  /** How messages name it; the command, quoted, by default. */
  label?: string
  reader: () => StreamReader
  /**
   * What to run instead when the command ends at once refusing an option (`refusal` matches what
   * it printed: an older iostat without -y), or when a report asks for it (`useFallback`).
   * Chosen once per server, kept across reconnects.
   */
  fallback?: { command: string; refusal?: RegExp; reader: () => StreamReader }
  /**
   * Silence watchdog: a metric without a report this long (a command that hangs, a section that
   * stopped coming) is shown as a problem and the command is started again.
   */
  silenceMs?: number
}

export interface CollectionPlan {
  streams: StreamingMetric[]
}

/** What a host collector needs from the rest of Vigil. */
export interface HostCollectorDeps {
  serverId: string
  intervalSeconds: number
  /** Opens the way to the server; for SSH the runner also reports connection states. */
  connect(onState: (state: CollectionState, error: string | null) => void, onReady: () => void): ConnectedRunner
  detectOs(unameOutput: string): { ok: true; os: OsKind } | { ok: false; error: string }
  planFor(os: OsKind, intervalSeconds: number): CollectionPlan
  /** The current counters' row with the rates since the previous one added. */
  interfaceRates(previous: InterfaceCounters | undefined, current: InterfaceCounters, elapsedSeconds: number): SampleValues
  record(metric: MetricName, ts: number, rows: SampleValues[]): void
  setState(state: CollectionState, error: string | null): void
  /** Every metric once, on the same connection (sync now); see collect-once.ts. */
  collectOnce?: (runner: CommandRunner, os: OsKind) => Promise<OnceResult[]>
  now?: () => number
}

export interface ConnectedRunner extends CommandRunner {
  close(): void
}

/** How long a stream that died on its own waits before it is started again. */
export const STREAM_RESTART_MS = 5_000

/** How long a command that reports every interval may stay silent: three intervals, and never under 30 s. */
export function silenceLimitMs(intervalSeconds: number): number {
  return Math.max(30_000, 3 * intervalSeconds * 1000)
}

/**
 * Collects one server: detects its OS and keeps a streaming channel per command of its plan
 * (vmstat N, iostat N, the report loop for interfaces and processes), turning interface
 * counters into rates. It never
 * throws: every failure becomes the server's state and error, visible in the API and UI.
 */
export class HostCollector implements Collector {
  private runner: ConnectedRunner | null = null
  private streams = new Map<string, StreamHandle>()
  private timers = new Set<NodeJS.Timeout>()
  private previousCounters = new Map<string, { counters: InterfaceCounters; at: number }>()
  private problems = new Map<string, string>()
  /** Metrics whose stream runs its fallback on this server (its command refused an option). */
  private fallbacks = new Set<string>()
  private generation = 0
  private stopped = false
  /** The OS found at the connection's start; null until then and while it is down. */
  private os: OsKind | null = null
  private readonly now: () => number

  constructor(private readonly deps: HostCollectorDeps) {
    this.now = deps.now ?? Date.now
  }

  start(): void {
    this.deps.setState('connecting', null)
    this.runner = this.deps.connect(
      (state, error) => {
        if (state !== 'collecting') this.pause()
        this.deps.setState(state, error)
      },
      () => void this.begin()
    )
  }

  async stop(): Promise<void> {
    this.stopped = true
    this.pause()
    this.runner?.close()
    this.runner = null
  }

  /**
   * Sync now: every metric once on the same connection, beside the running commands; the rows
   * are stored like any others. Throws when there is no working connection (the server's state
   * says why).
   */
  async collectNow(): Promise<OnceResult[]> {
    const runner = this.runner
    const os = this.os
    if (!runner || os === null || this.stopped || !this.deps.collectOnce) throw new Error('not connected')
    const results = await this.deps.collectOnce(runner, os)
    for (const result of results) if (result.rows.length > 0) this.deps.record(result.metric, this.now(), result.rows)
    return results
  }

  /** The connection is up: find out what the server is and start every command. */
  private async begin(): Promise<void> {
    const generation = ++this.generation
    const runner = this.runner
    if (!runner || this.stopped) return
    let uname: string
    try {
      const result = await runner.exec('LC_ALL=C uname -s', { timeoutMs: 15_000 })
      uname = result.stdout
    } catch (error) {
      if (generation !== this.generation || this.stopped) return
      this.deps.setState('error', `Could not run uname: ${messageOf(error)}`)
      // The connection is up, so this may pass (a busy server, a slow login script): try again.
      this.later(() => void this.begin(), STREAM_RESTART_MS)
      return
    }
    if (generation !== this.generation || this.stopped) return
    const detected = this.deps.detectOs(uname)
    if (!detected.ok) return this.deps.setState('error', detected.error)
    this.os = detected.os
    const plan = this.deps.planFor(detected.os, this.deps.intervalSeconds)
    this.problems.clear()
    this.deps.setState('collecting', null)
    for (const stream of plan.streams) this.openStream(stream, generation)
  }

  private openStream(spec: StreamingMetric, generation: number): void {
    const runner = this.runner
    if (!runner || generation !== this.generation) return
    const key = spec.metrics.join(', ')
    const fallback = this.fallbacks.has(key) ? spec.fallback : undefined
    const command = fallback?.command ?? spec.command
    const label = spec.label ?? `\`${command}\``
    const reader = (fallback ?? spec).reader()
    let printed = false
    // False once this run is over (ended, or closed by us): what its channel still says is not heard.
    let live = true
    let handle: StreamHandle | null = null
    let watchdog: NodeJS.Timeout | null = null
    const lastReport = new Map<MetricName, number>(spec.metrics.map((metric) => [metric, this.now()]))
    /** This run is over: forget it, and close its channel unless it ended by itself. */
    const retire = (close: boolean): void => {
      live = false
      if (watchdog) this.cancel(watchdog)
      watchdog = null
      if (handle && this.streams.get(key) === handle) this.streams.delete(key)
      if (close) handle?.close()
    }
    const take = (report: StreamReport): void => {
      const { metric, parsed } = report
      lastReport.set(metric, this.now())
      if (!parsed.ok) {
        if (report.useFallback && spec.fallback && !fallback) {
          // e.g. a /proc/net/dev that does not read: netstat -i from now on, at once and without an error.
          this.fallbacks.add(key)
          retire(true)
          return this.openStream(spec, generation)
        }
        return this.problem([metric], parsed.error)
      }
      if (parsed.rows.length > 0) {
        // The rates over the rows' own times: then a rate is exactly its counter's change per
        // second of the stored step, which the series store keeps in a few bits, not a double's 64.
        const at = this.now()
        this.deps.record(metric, at, metric === 'netstat' ? this.withRates(parsed.rows, at) : parsed.rows)
      }
      // A line that does not read is shown (with the rows that did read still recorded) until
      // a whole report reads cleanly again.
      if (parsed.rejected?.length) this.problem([metric], rejectedText(parsed.rejected))
      else if ((parsed.cleanReports ?? 0) > 0) this.clearProblem(metric)
    }
    const silenceMs = spec.silenceMs
    const watch = (ms: number): void => {
      if (silenceMs === undefined) return
      watchdog = this.later(() => {
        watchdog = null
        if (!live) return
        const now = this.now()
        const silent = spec.metrics.filter((metric) => now - (lastReport.get(metric) ?? 0) >= silenceMs)
        if (silent.length === 0) return watch(Math.min(...lastReport.values()) + silenceMs - now)
        this.problem(silent, `no report from ${label} for ${Math.round(silenceMs / 1000)} s: it was started again`)
        retire(true)
        this.openStream(spec, generation)
      }, Math.max(1, ms))
    }
    handle = runner.stream(
      command,
      (chunk) => {
        if (!live) return
        printed ||= chunk.trim() !== ''
        for (const report of reader.push(chunk)) {
          take(report)
          if (!live) return
        }
      },
      (end) => {
        if (!live) return
        retire(false)
        if (generation !== this.generation || this.stopped) return
        const said = [end.error, end.stderr].filter((text): text is string => !!text?.trim()).join('\n')
        if (!fallback && spec.fallback?.refusal && !printed && spec.fallback.refusal.test(said)) {
          // An older command that refuses an option (iostat before -y): use the fallback from now on.
          this.fallbacks.add(key)
          return this.openStream(spec, generation)
        }
        // The connection dropping is reported by the connection; a command ending is ours to report
        // and retry. These commands never end by themselves: one that does (exit status 0 included,
        // as a pipeline's status is its last command's) is an error, with what it printed.
        this.problem(spec.metrics, `${label} ended: ${firstLines(said) || `it exited (${end.code ?? 'no status'}) without an error message`}`)
        this.later(() => this.openStream(spec, generation), STREAM_RESTART_MS)
      }
    )
    // A runner may end a stream before returning its handle (a channel refused at once).
    if (!live) return
    this.streams.set(key, handle)
    watch(silenceMs ?? 0)
  }

  private withRates(rows: SampleValues[], at: number): SampleValues[] {
    return rows.map((row) => {
      const counters = row as unknown as InterfaceCounters
      const previous = this.previousCounters.get(counters.interface)
      this.previousCounters.set(counters.interface, { counters, at })
      const elapsed = previous ? (at - previous.at) / 1000 : 0
      // The row with its rates, in one new object (not a copy of a copy: this runs for every
      // interface of every server each interval).
      return this.deps.interfaceRates(previous?.counters, counters, elapsed)
    })
  }

  private clearProblem(metric: MetricName): void {
    if (this.problems.delete(metric)) this.reportProblems()
  }

  /** A metric failing does not stop the others: the server keeps collecting and says what is wrong. */
  private problem(metrics: readonly string[], error: string): void {
    let changed = false
    for (const metric of metrics) {
      if (this.problems.get(metric) === error) continue
      this.problems.set(metric, error)
      changed = true
    }
    if (changed) this.reportProblems()
  }

  /** Each error once, after the metrics it concerns ("netstat, process: … ended: …"). */
  private reportProblems(): void {
    const byError = new Map<string, string[]>()
    for (const [metric, error] of this.problems) byError.set(error, [...(byError.get(error) ?? []), metric])
    const text = [...byError].map(([error, metrics]) => `${metrics.sort().join(', ')}: ${error}`).join('; ')
    this.deps.setState('collecting', text || null)
  }

  private later(action: () => void, ms: number): NodeJS.Timeout {
    const timer = setTimeout(() => {
      this.timers.delete(timer)
      action()
    }, ms)
    this.timers.add(timer)
    return timer
  }

  private cancel(timer: NodeJS.Timeout): void {
    clearTimeout(timer)
    this.timers.delete(timer)
  }

  /** Stops commands and timers; the connection stays (or reconnects) and begin() starts again. */
  private pause(): void {
    this.generation++
    this.os = null
    for (const timer of this.timers) clearTimeout(timer)
    this.timers.clear()
    for (const handle of this.streams.values()) handle.close()
    this.streams.clear()
    this.previousCounters.clear()
  }
}

/** The first line that did not read, and how many other lines did not either (the same line again, report after report, is one). */
function rejectedText(rejected: readonly string[]): string {
  const more = new Set(rejected).size - 1
  return more > 0 ? `${rejected[0]} (and ${more} other line${more === 1 ? '' : 's'})` : (rejected[0] ?? '')
}

/** What a command printed as it ended, kept short for a state line. */
function firstLines(text: string): string {
  const lines = text.split('\n').map((line) => line.trim()).filter((line) => line !== '')
  const shown = lines.slice(0, 3).join(' / ')
  return shown.length > 300 ? `${shown.slice(0, 300)}…` : shown
}
