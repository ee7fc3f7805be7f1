import type { MetricName } from '../../../shared/metrics'
import type { CollectionState } from '../../../shared/servers'
import type { SampleValues } from '../samples'
import type { Collector } from './collector-manager'
import type { InterfaceCounters, OsKind, Parsed, StreamParser } from '../parsers/types'
import type { CommandRunner, StreamHandle } from '../../base/exec/runner'
import type { OnceResult } from './collect-once'

/** A command that prints a report per interval, parsed as it streams (vmstat N, iostat N). */
export interface StreamingMetric {
  metric: 'vmstat' | 'iostat'
  command: string
  parser: () => StreamParser<SampleValues>
  /**
   * What to run instead when the command ends at once refusing an option (`refusal` matches what
   * it printed): an older iostat without -y. Chosen once per server, kept across reconnects.
   */
  fallback?: { command: string; refusal: RegExp; parser: () => StreamParser<SampleValues> }
}

/** A command run once per interval (ps, interface counters). */
export interface PeriodicMetric {
  metric: 'process' | 'netstat'
  /** Ways to get it, in order of preference: the first that runs and parses is kept. */
  variants: ReadonlyArray<{ command: string; parse: (text: string) => Parsed<SampleValues> }>
}

export interface CollectionPlan {
  streams: StreamingMetric[]
  periodic: PeriodicMetric[]
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

/**
 * Collects one server: detects its OS, keeps a streaming channel per interval-mode command
 * and runs the others each interval, turning interface counters into rates. It never
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
      return this.later(() => void this.begin(), STREAM_RESTART_MS)
    }
    if (generation !== this.generation || this.stopped) return
    const detected = this.deps.detectOs(uname)
    if (!detected.ok) return this.deps.setState('error', detected.error)
    this.os = detected.os
    const plan = this.deps.planFor(detected.os, this.deps.intervalSeconds)
    this.problems.clear()
    this.deps.setState('collecting', null)
    for (const stream of plan.streams) this.openStream(stream, generation)
    for (const periodic of plan.periodic) this.schedule(periodic, generation)
  }

  private openStream(spec: StreamingMetric, generation: number): void {
    const runner = this.runner
    if (!runner || generation !== this.generation) return
    const fallback = this.fallbacks.has(spec.metric) ? spec.fallback : undefined
    const command = fallback?.command ?? spec.command
    const parser = (fallback ?? spec).parser()
    let printed = false
    const handle = runner.stream(
      command,
      (chunk) => {
        printed ||= chunk.trim() !== ''
        const parsed = parser.push(chunk)
        if (!parsed.ok) return this.problem(spec.metric, parsed.error)
        if (parsed.rows.length > 0) this.deps.record(spec.metric, this.now(), parsed.rows)
        // A line that does not read is shown (with the rows that did read still recorded) until
        // a whole report reads cleanly again.
        if (parsed.rejected?.length) this.problem(spec.metric, rejectedText(parsed.rejected))
        else if ((parsed.cleanReports ?? 0) > 0) this.clearProblem(spec.metric)
      },
      (end) => {
        this.streams.delete(spec.metric)
        if (generation !== this.generation || this.stopped) return
        const said = [end.error, end.stderr].filter((text): text is string => !!text?.trim()).join('\n')
        if (!fallback && spec.fallback && !printed && spec.fallback.refusal.test(said)) {
          // An older command that refuses an option (iostat before -y): use the fallback from now on.
          this.fallbacks.add(spec.metric)
          return this.openStream(spec, generation)
        }
        // The connection dropping is reported by the connection; a command ending is ours to report
        // and retry. These commands never end by themselves: one that does (exit status 0 included,
        // as a pipeline's status is its last command's) is an error, with what it printed.
        this.problem(spec.metric, `\`${command}\` ended: ${firstLines(said) || `it exited (${end.code ?? 'no status'}) without an error message`}`)
        this.later(() => this.openStream(spec, generation), STREAM_RESTART_MS)
      }
    )
    this.streams.set(spec.metric, handle)
  }

  private schedule(spec: PeriodicMetric, generation: number): void {
    let variant = 0
    const run = async (): Promise<void> => {
      const runner = this.runner
      const current = spec.variants[variant]
      if (!runner || !current || generation !== this.generation) return
      try {
        const result = await runner.exec(current.command, { timeoutMs: Math.max(10_000, this.deps.intervalSeconds * 2000) })
        if (generation !== this.generation) return
        const parsed = current.parse(result.stdout)
        if (parsed.ok) {
          this.deps.record(spec.metric, this.now(), spec.metric === 'netstat' ? this.withRates(parsed.rows) : parsed.rows)
          // Each run is a whole report: clean, or showing its first line that did not read.
          if (parsed.rejected?.length) this.problem(spec.metric, rejectedText(parsed.rejected))
          else this.clearProblem(spec.metric)
        } else if (variant + 1 < spec.variants.length) variant++ // e.g. no /proc/net/dev: fall back to netstat -i
        else this.problem(spec.metric, result.stderr.trim() || parsed.error)
      } catch (error) {
        if (generation === this.generation) this.problem(spec.metric, messageOf(error))
      }
      if (generation === this.generation && !this.stopped) this.later(() => void run(), this.deps.intervalSeconds * 1000)
    }
    void run()
  }

  private withRates(rows: SampleValues[]): SampleValues[] {
    const at = this.now()
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
  private problem(metric: string, error: string): void {
    if (this.problems.get(metric) === error) return
    this.problems.set(metric, error)
    this.reportProblems()
  }

  private reportProblems(): void {
    const text = [...this.problems.entries()].map(([metric, error]) => `${metric}: ${error}`).join('; ')
    this.deps.setState('collecting', text || null)
  }

  private later(action: () => void, ms: number): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer)
      action()
    }, ms)
    this.timers.add(timer)
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

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}
