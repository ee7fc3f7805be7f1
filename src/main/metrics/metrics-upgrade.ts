// Upgrading a data dir in place when Vigil starts: the metrics tables of the release before the
// series store are converted into it (series-conversion.ts) in the background, while the API and
// the UI answer. This is the part the user sees: one status (the UI's banner, the API's health
// answer), pushed live on the `app.upgrade` topic, and `upgrade:` lines for the log and the
// terminal of `vigil serve` at a readable rate. A failure is reported, with the groups that
// differ, and never swallowed; the caller starts the roll-ups and retention only after success.
import type { Db } from '../base/db/db'
import type { EventBus } from '../base/bus'
import type { SeriesStore } from '../base/series/series-store'
import { INITIAL_UPGRADE_STATUS, MAX_LISTED_MISMATCHES, upgradePercent, type UpgradeStatus } from '../../shared/upgrade'
import { convertMetricTables, describeMismatch, type ConversionResult } from './series-conversion'
import { messageOf } from '../base/text'

export interface UpgradeSettings {
  /** Rows per transaction (default: the converter's). Smaller steps keep the process more responsive. */
  rowsPerTransaction?: number
  /** A pause after each transaction, in milliseconds, to leave the disk to other work (default 0). */
  pauseMs?: number
}

export interface MetricsUpgradeDeps {
  db: Db
  store: SeriesStore
  bus: EventBus
  /** Where its lines go (the log; vigil serve's stdout too). */
  write: (line: string, level: 'info' | 'error') => void
  settings?: UpgradeSettings
  /** At most one progress line this often (a table's end and the result are always written). */
  lineEveryMs?: number
  /** At most one `app.upgrade` event this often while rows move (state changes go at once). */
  publishEveryMs?: number
  now?: () => number
}

const DEFAULT_LINE_EVERY_MS = 5_000
/** A systematic fault can make every group differ: the log names this many, and counts the rest. */
const MAX_LOGGED_MISMATCHES = 1_000
const DEFAULT_PUBLISH_EVERY_MS = 250

const KEPT = 'The old tables are kept: nothing is lost. Roll-ups and retention stay off until the upgrade completes.'
export const MISMATCH_ADVICE =
  `${KEPT} Keep this data dir as it is and report the upgrade lines of the Vigil log (they name the groups, not their values); ` +
  'Vigil goes on collecting and checks the copy again at every start.'
export const ERROR_ADVICE = `${KEPT} Fix the cause (free disk space, for instance) and restart Vigil: the upgrade carries on where it stopped.`

export class MetricsUpgrade {
  private current: UpgradeStatus = { ...INITIAL_UPGRADE_STATUS }
  private readonly abort = new AbortController()
  private running: Promise<boolean> | null = null
  private started = 0
  private lastLine = 0
  private lastPublish = 0
  /** Tables seen in a progress report: the first report of one says whether an earlier run finished it. */
  private readonly tablesSeen = new Set<string>()
  private readonly tablesEnded = new Set<string>()
  private readonly now: () => number
  /** Samples the store gets from this time on are new, not copies: Vigil collects nothing before it exists. */
  private readonly createdAt: number
  private readonly lineEveryMs: number
  private readonly publishEveryMs: number

  constructor(private readonly deps: MetricsUpgradeDeps) {
    this.now = deps.now ?? Date.now
    this.createdAt = this.now()
    this.lineEveryMs = deps.lineEveryMs ?? DEFAULT_LINE_EVERY_MS
    this.publishEveryMs = deps.publishEveryMs ?? DEFAULT_PUBLISH_EVERY_MS
  }

  status(): UpgradeStatus {
    return this.current.state === 'converting' ? { ...this.current, elapsedMs: this.now() - this.started } : this.current
  }

  /**
   * Converts what there is to convert. Resolves true when every metric is in the store (converted
   * now, or nothing to convert), false when it failed or was stopped; never rejects. Create the
   * upgrade before the collectors start (their samples are told from copies by that time); run
   * it when nothing can fail any more.
   */
  run(): Promise<boolean> {
    this.running ??= this.convert()
    return this.running
  }

  /** Stops a conversion under way at its next step (Vigil is closing); the next start carries on. */
  async stop(): Promise<void> {
    this.abort.abort(new Error('Vigil is closing'))
    await this.running
  }

  private async convert(): Promise<boolean> {
    this.started = this.now()
    let result: ConversionResult
    try {
      const { rowsPerTransaction, pauseMs } = this.deps.settings ?? {}
      result = await convertMetricTables(this.deps.db, this.deps.store, {
        rowsPerTransaction,
        pauseMs,
        signal: this.abort.signal,
        newSamplesFrom: this.createdAt,
        onProgress: (progress) => {
          if (progress.allTotal === 0) return
          if (this.current.state === 'pending') this.begin(progress.allDone, progress.allTotal)
          // A table's end gets a line of its own, once, unless an earlier run finished it.
          const first = !this.tablesSeen.has(progress.table)
          this.tablesSeen.add(progress.table)
          const tableDone = progress.done === progress.total && !first && !this.tablesEnded.has(progress.table)
          if (tableDone) this.tablesEnded.add(progress.table)
          this.update({ phase: 'copying', table: progress.table, copied: progress.allDone }, tableDone)
          const line = `upgrade: copying ${count(progress.allDone)} of ${count(progress.allTotal)} rows (${share(progress.allDone, progress.allTotal)}) — ${progress.table} ${count(progress.done)} of ${count(progress.total)}`
          this.line(line, tableDone)
        },
        onCheckProgress: (progress) => {
          if (progress.total === 0) return
          this.update({ phase: 'checking', table: progress.table, checked: progress.checked }, false)
          this.line(`upgrade: checking the copy against the old tables: ${share(progress.checked, progress.total)} — ${progress.table}`, false)
        }
      })
    } catch (error) {
      if (this.abort.signal.aborted) {
        if (this.current.state === 'converting') {
          this.write(`upgrade: stopped with ${count(this.current.copied)} of ${count(this.current.total)} rows copied; the next start carries on from there`)
        }
        return false
      }
      this.fail(messageOf(error), ERROR_ADVICE, [], 0)
      if (error instanceof Error && error.stack) this.deps.write(`upgrade: ${error.stack}`, 'error')
      return false
    }
    return this.finish(result)
  }

  private begin(copied: number, total: number): void {
    this.update({ state: 'converting', phase: 'copying', total, copied, resumedFrom: copied, startedAt: new Date(this.started).toISOString() }, true)
    this.write(
      copied > 0
        ? `upgrade: carrying on with the conversion of this data dir's metrics into the series store: ${count(copied)} of ${count(total)} rows were copied before an interruption`
        : `upgrade: converting this data dir's metrics (${count(total)} rows, from the tables of an earlier Vigil) into the series store; Vigil is usable meanwhile, and earlier history fills in as it goes`
    )
  }

  private finish(result: ConversionResult): boolean {
    if (result.status === 'mismatch') {
      const lines = result.mismatches.map(describeMismatch)
      const error = `${count(lines.length)} group${lines.length === 1 ? '' : 's'} of samples differ between the old metrics tables and their copy in the series store`
      this.fail(error, MISMATCH_ADVICE, lines.slice(0, MAX_LISTED_MISMATCHES), lines.length)
      for (const line of lines.slice(0, MAX_LOGGED_MISMATCHES)) this.deps.write(`upgrade: differs: ${line}`, 'error')
      if (lines.length > MAX_LOGGED_MISMATCHES) this.deps.write(`upgrade: differs: … and ${count(lines.length - MAX_LOGGED_MISMATCHES)} groups more`, 'error')
      return false
    }
    // A new data dir's empty tables (or none at all): nothing worth a word.
    if (result.status === 'nothing-to-convert' || this.current.state !== 'converting') {
      this.update({ state: 'none' }, true)
      return true
    }
    const finished = this.now()
    this.update({ state: 'converted', phase: null, table: null, copied: this.current.total, checked: 2 * this.current.total, finishedAt: new Date(finished).toISOString(), elapsedMs: finished - this.started }, true)
    const carried = this.current.resumedFrom > 0 ? ` (${count(this.current.resumedFrom)} of them copied before an interruption)` : ''
    this.write(
      `upgrade: done: ${count(result.rows)} rows from ${result.tables.length} tables converted into the series store and checked in ${seconds(finished - this.started)}${carried}; ` +
        `the old tables are dropped, leaving ${megabytes(this.freeBytes())} of free pages in the database file, which new data reuses (README, "Upgrading")`
    )
    return true
  }

  /** Pages the dropped tables left free inside the file: SQLite reuses them; only a VACUUM gives them back to the disk. */
  private freeBytes(): number {
    return (this.deps.db.pragma('freelist_count', { simple: true }) as number) * (this.deps.db.pragma('page_size', { simple: true }) as number)
  }

  private fail(error: string, advice: string, mismatches: string[], mismatchCount: number): void {
    const finished = this.now()
    this.update({ state: 'failed', phase: null, error, advice, mismatches, mismatchCount, finishedAt: new Date(finished).toISOString(), elapsedMs: finished - this.started }, true)
    this.deps.write(`upgrade: FAILED: ${error}. ${advice}`, 'error')
  }

  /** Changes the status; publishes it at once when the state, phase or table changes, else at most every publishEveryMs. */
  private update(changes: Partial<UpgradeStatus>, publishNow: boolean): void {
    const previous = this.current
    const next = { ...previous, ...changes, version: previous.version + 1 }
    next.percent = next.state === 'converted' ? 100 : upgradePercent(next.copied, next.checked, next.total)
    this.current = next
    const now = this.now()
    const moved = next.state !== previous.state || next.phase !== previous.phase || next.table !== previous.table
    if (!publishNow && !moved && now - this.lastPublish < this.publishEveryMs) return
    this.lastPublish = now
    this.deps.bus.publish('app.upgrade', this.status())
  }

  /** A progress line, unless one went out less than lineEveryMs ago (`always`: a table's end). */
  private line(text: string, always: boolean): void {
    if (!always && this.now() - this.lastLine < this.lineEveryMs) return
    this.write(text)
  }

  private write(text: string): void {
    this.lastLine = this.now()
    this.deps.write(text, 'info')
  }
}

const count = (n: number): string => n.toLocaleString('en-US')
const share = (part: number, whole: number): string => `${whole > 0 ? (Math.floor((part / whole) * 1000) / 10).toFixed(1) : '0.0'}%`
const megabytes = (bytes: number): string => `${(bytes / 1_000_000).toFixed(1)} MB`
const seconds = (ms: number): string => (ms < 10_000 ? `${(ms / 1000).toFixed(1)} s` : ms < 120_000 ? `${Math.round(ms / 1000)} s` : `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`)
