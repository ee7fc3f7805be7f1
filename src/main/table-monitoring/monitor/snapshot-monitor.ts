// The table-snapshot monitor: every active table of every active database is read every
// polling_interval through its database's source, compared with its previous snapshot by key,
// and stored as a task (what ran, how long, how it ended) and a snapshot (the rows and what
// changed). The `oracle.snapshot` topic announces each snapshot to the UI and the WebSocket.
import { performance } from 'node:perf_hooks'
import { AppError } from '../../../shared/errors'
import { PREVIEW_ROWS, type ChangeSummary, type SnapshotEvent } from '../../../shared/oracle'
import { isoSeconds } from '../../../shared/time'
import type { EventBus } from '../../base/bus'
import { messageOf } from '../../base/text'
import type { OracleMonitoringRepo, OracleTableView, SnapshotView } from '../monitoring-repo'
import { diffSnapshots, hasChanges, type SnapshotDiff, type SnapshotRow } from './diff'
import { validateOrderBy } from '../sql/order-by'
import { countsShowChanges, decodeRows, encodeRows, normalizeRows, summarizeChanges } from './rows'
import { PollSchedule } from './schedule'
import { buildFingerprintQuery, buildSnapshotQuery } from '../sql/snapshot-query'
import type { SnapshotSource } from '../sources/source'
import type { SnapshotSources } from '../sources/sources'

export interface MonitorSettings {
  /** How often the schedule is looked at. */
  tickMs: number
  /** Snapshots kept per table; older ones (and row data no kept snapshot shares) are deleted. */
  historyLimit: number
  /** Tasks kept per table. */
  taskHistoryLimit: number
  /**
   * With skip_unchanged, a table whose fingerprint has not moved is not transferred; but after
   * this many skipped runs in a row a full snapshot is taken anyway, since a fingerprint can
   * collide (Oracle's ORA_HASH is 32 bits) and would then hide a change for ever.
   */
  fullSnapshotEvery: number
  /** Each statement's time limit (the source cancels it), describe and fingerprint included. */
  queryTimeoutMs: number
  /** A statement still unanswered this long after its limit is abandoned and its connection closed. */
  watchdogGraceMs: number
}

export const DEFAULT_MONITOR_SETTINGS: MonitorSettings = {
  tickMs: 1000,
  historyLimit: 100,
  taskHistoryLimit: 1000,
  fullSnapshotEvery: 10,
  queryTimeoutMs: 60_000,
  watchdogGraceMs: 5_000
}

/** How one run ended. */
export interface RunOutcome {
  taskId: number
  status: 'completed' | 'failed'
  snapshotId: number | null
  recordsCollected: number
  durationSeconds: number
  changesDetected: boolean
  truncated: boolean
  error: string | null
}

/**
 * Failure reasons (the sources' `extra.reason`) that say the database could not be reached or
 * would not let us in, rather than that a statement failed or ran out of time.
 */
const CONNECTION_REASONS = new Set([
  'unreachable', 'refused', 'unknown_service', 'unknown_sid', 'listener_refused', 'server_unavailable', 'connection_lost',
  'auth_failed', 'database_missing', 'bad_connect_string'
])

/** The database is down, unreachable or refused the login: its connection_status becomes 'failed'. */
export function isConnectionFailure(error: unknown): boolean {
  if (!(error instanceof AppError)) return false
  const reason = error.extra?.reason
  return typeof reason === 'string' && CONNECTION_REASONS.has(reason)
}

/** Not the statement's fault: the database is unreachable, or too slow to answer (a timeout). */
export function isUnavailable(error: unknown): boolean {
  return isConnectionFailure(error) || (error instanceof AppError && error.code === 'unavailable')
}

interface Collected {
  columns: string[]
  keyColumns: string[]
  rows: SnapshotRow[]
  recordCount: number
  truncated: boolean
  /** The comparable previous snapshot (same configuration, same columns and key), if any. */
  previous: SnapshotView | null
  diff: SnapshotDiff | null
  fingerprint: string | null
  /** False when the fingerprint matched and the previous rows stand. */
  fetched: boolean
}

export class SnapshotMonitor {
  readonly settings: MonitorSettings
  private readonly schedule = new PollSchedule()
  private readonly inflight = new Map<number, Promise<RunOutcome>>()
  /** Runs in a row that skipped the transfer, per table (skip_unchanged). */
  private readonly skippedInARow = new Map<number, number>()
  /** Tables whose fingerprint query failed (LOB columns on Oracle): they are always fetched, until their configuration changes. */
  private readonly noFingerprint = new Set<number>()
  private timer: NodeJS.Timeout | null = null
  private stopped = false

  constructor(
    private readonly repo: OracleMonitoringRepo,
    private readonly sources: SnapshotSources,
    private readonly bus: EventBus,
    settings: Partial<MonitorSettings> = {},
    private readonly onError: (error: unknown) => void = () => {},
    private readonly now: () => number = Date.now
  ) {
    this.settings = { ...DEFAULT_MONITOR_SETTINGS, ...settings }
    // Tasks a previous Vigil left running never finish now.
    repo.failUnfinishedTasks(this.now())
  }

  /** Starts polling (config.collect). Manual runs (runNow) work without it. */
  start(): void {
    if (this.timer || this.stopped) return
    this.timer = setInterval(() => this.tick(), this.settings.tickMs)
    this.timer.unref()
    this.tick()
  }

  /** Stops polling and waits (a little) for runs in flight; their sources are closed by the owner. */
  async stop(waitMs = 2_000): Promise<void> {
    this.stopped = true
    if (this.timer) clearInterval(this.timer)
    this.timer = null
    const pending = [...this.inflight.values()]
    if (pending.length === 0) return
    let timer: NodeJS.Timeout | undefined
    await Promise.race([Promise.allSettled(pending), new Promise((resolve) => (timer = setTimeout(resolve, waitMs)))])
    clearTimeout(timer)
  }

  isRunning(tableId: number): boolean {
    return this.inflight.has(tableId)
  }

  /** The table's configuration changed (or it was added): run it on the next tick, with a fresh baseline. */
  reschedule(tableId: number): void {
    this.schedule.reset(tableId)
    this.skippedInARow.delete(tableId)
    this.noFingerprint.delete(tableId)
  }

  /**
   * Snapshots the table now (monitor_now) and answers when done. A run already going for the
   * table is not interrupted: this one starts after it, as its own task (pending until then).
   */
  runNow(tableId: number): Promise<RunOutcome> {
    this.schedule.ranManually(tableId, this.now())
    return this.enqueue(tableId, this.createTask(tableId, 'manual'))
  }

  private tick(): void {
    if (this.stopped) return
    try {
      const tables = this.repo.activeTables()
      const plan = this.schedule.tick(
        tables.map((table) => ({ id: table.id, intervalMs: table.polling_interval * 1000 })),
        (id) => this.inflight.has(id),
        this.now()
      )
      for (const id of plan.start) void this.enqueue(id, this.createTask(id, 'schedule'))
    } catch (error) {
      this.onError(error)
    }
  }

  private createTask(tableId: number, trigger: 'schedule' | 'manual'): number {
    return this.repo.insertTask({
      table_id: tableId,
      status: 'pending',
      trigger,
      created_at: this.now(),
      started_at: null,
      completed_at: null,
      duration: null,
      records_collected: null,
      error_message: null,
      snapshot_id: null
    })
  }

  private enqueue(tableId: number, taskId: number): Promise<RunOutcome> {
    const prior = this.inflight.get(tableId)
    const run = (prior ? prior.then(noop, noop) : Promise.resolve()).then(() => this.execute(tableId, taskId))
    this.inflight.set(tableId, run)
    void run
      .finally(() => {
        if (this.inflight.get(tableId) === run) this.inflight.delete(tableId)
      })
      .catch(noop)
    return run
  }

  /** One run, start to finish. Never rejects: a failure is the task's outcome. */
  private async execute(tableId: number, taskId: number): Promise<RunOutcome> {
    const clock = performance.now()
    const startedAt = this.now()
    const elapsed = (): number => round3((performance.now() - clock) / 1000)
    const failed = (error: unknown): RunOutcome => ({
      taskId,
      status: 'failed',
      snapshotId: null,
      recordsCollected: 0,
      durationSeconds: elapsed(),
      changesDetected: false,
      truncated: false,
      error: messageOf(error)
    })
    let table: OracleTableView | undefined
    try {
      this.repo.updateTask(taskId, { status: 'running', started_at: startedAt })
      table = this.repo.getTable(tableId)
      if (!table) throw new AppError('not_found', `Table ${tableId} is no longer monitored`)
      const source = this.sources.get(table.database_id)
      const collected = await this.collect(source, table)
      const duration = elapsed()
      const outcome = this.record(table, taskId, collected, startedAt, duration)
      return outcome
    } catch (error) {
      const outcome = failed(error)
      this.safely(() => {
        const completedAt = this.now()
        this.repo.updateTask(taskId, { status: 'failed', completed_at: completedAt, duration: outcome.durationSeconds, error_message: outcome.error, records_collected: 0 })
        if (table) {
          this.repo.updateTable(table.id, { last_status: 'error', last_error: outcome.error })
          if (isConnectionFailure(error)) {
            this.repo.updateDatabase(table.database_id, { connection_status: 'failed', connection_error: outcome.error })
          }
          this.repo.pruneTasks(table.id, this.settings.taskHistoryLimit)
        }
      })
      // No snapshot to announce: say the table's state changed, so an open UI shows the error.
      if (table) {
        const { id, database_id: databaseId } = table
        this.safely(() => this.bus.publish('oracle.changed', { databases: [databaseId], tables: [id] }))
      }
      return outcome
    }
  }

  /** Reads the table: describe, (fingerprint), snapshot, diff against the previous one. */
  private async collect(source: SnapshotSource, table: OracleTableView): Promise<Collected> {
    const limits = { timeoutMs: this.settings.queryTimeoutMs }
    const detail = await this.guard(table.database_id, source.describeTable(table.schema_name, table.table_name))
    const known = detail.columns.map((column) => column.name)
    const configured = JSON.parse(table.columns_to_monitor) as string[]
    const gone = configured.filter((column) => !known.includes(column))
    if (gone.length > 0) {
      throw new AppError('validation', `Column${gone.length > 1 ? 's' : ''} ${gone.map((c) => `'${c}'`).join(', ')} of columns_to_monitor no longer exist${gone.length > 1 ? '' : 's'} in ${table.schema_name}.${table.table_name}`)
    }
    const spec = {
      owner: table.schema_name,
      table: table.table_name,
      columns: configured.length > 0 ? configured : known,
      keyColumns: detail.primaryKey,
      where: table.where_clause,
      orderBy: validateOrderBy(table.order_by, known),
      maxRows: table.max_rows
    }
    const query = buildSnapshotQuery(source.dialect, spec)
    const previous = this.comparablePrevious(table, query.columns, query.keyColumns)

    let fingerprint: string | null = null
    if (table.skip_unchanged === 1 && !this.noFingerprint.has(table.id)) {
      fingerprint = await this.fingerprint(source, table, spec)
      const skipped = this.skippedInARow.get(table.id) ?? 0
      if (fingerprint !== null && previous?.fingerprint === fingerprint && skipped < this.settings.fullSnapshotEvery) {
        this.skippedInARow.set(table.id, skipped + 1)
        return {
          columns: query.columns,
          keyColumns: query.keyColumns,
          rows: [],
          recordCount: previous.record_count,
          truncated: previous.truncated === 1,
          previous,
          diff: { added: [], removed: [], changed: [], unchanged: previous.record_count, duplicateKeys: 0 },
          fingerprint,
          fetched: false
        }
      }
    }
    this.skippedInARow.set(table.id, 0)

    const raw = await this.guard(table.database_id, source.query(query.sql, query.binds, limits))
    const truncated = raw.length > table.max_rows
    if (truncated) raw.length = table.max_rows
    const rows = normalizeRows(raw, query.columns)
    let diff: SnapshotDiff | null = null
    if (previous) {
      const data = this.repo.getData(previous.data_id)
      if (data) diff = diffSnapshots(decodeRows(data.rows_json, JSON.parse(data.columns) as string[]), rows, { keyColumns: query.keyColumns, columns: query.columns })
    }
    return { columns: query.columns, keyColumns: query.keyColumns, rows, recordCount: rows.length, truncated, previous, diff, fingerprint, fetched: true }
  }

  /** The fingerprint of the rows the snapshot would read; null when the database cannot make one. */
  private async fingerprint(source: SnapshotSource, table: OracleTableView, spec: Parameters<typeof buildFingerprintQuery>[1]): Promise<string | null> {
    const query = buildFingerprintQuery(source.dialect, spec)
    try {
      const [row] = await this.guard(table.database_id, source.query(query.sql, query.binds, { timeoutMs: this.settings.queryTimeoutMs }))
      if (!row) return null
      return `${String(row.row_count)}:${String(row.fingerprint)}`
    } catch (error) {
      // A connection failure or timeout fails the run; anything else (LOB columns on Oracle)
      // just means this table is always fetched in full.
      if (isUnavailable(error)) throw error
      this.noFingerprint.add(table.id)
      return null
    }
  }

  /** The latest snapshot, if it was taken with the same configuration, columns and key. */
  private comparablePrevious(table: OracleTableView, columns: readonly string[], keyColumns: readonly string[]): SnapshotView | null {
    const latest = this.repo.latestSnapshot(table.id)
    if (!latest || latest.config_version !== table.config_version) return null
    const data = this.repo.getDataPreview(latest.data_id)
    if (!data || data.columns !== JSON.stringify(columns) || data.key_columns !== JSON.stringify(keyColumns)) return null
    return latest
  }

  /** Stores the snapshot, finishes the task and announces it. */
  private record(table: OracleTableView, taskId: number, collected: Collected, startedAt: number, duration: number): RunOutcome {
    const { previous, diff, rows, columns, keyColumns } = collected
    const summary: ChangeSummary = summarizeChanges(diff, keyColumns)
    const unchanged = previous !== null && diff !== null && !hasChanges(diff) && (previous.truncated === 1) === collected.truncated
    // An unchanged table shares its predecessor's rows instead of storing them again.
    const rowsJson = unchanged ? null : encodeRows(rows, columns)
    const previewJson = unchanged ? null : encodeRows(rows.slice(0, PREVIEW_ROWS), columns)
    const completedAt = this.now()
    const snapshotId = this.repo.transaction(() => {
      const dataId = rowsJson === null && previous ? previous.data_id : this.repo.insertData(table.id, columns, keyColumns, rowsJson ?? '[]', previewJson ?? '[]')
      const id = this.repo.insertSnapshot({
        table_id: table.id,
        task_id: taskId,
        data_id: dataId,
        taken_at: startedAt,
        record_count: collected.recordCount,
        collection_duration: duration,
        truncated: collected.truncated ? 1 : 0,
        config_version: table.config_version,
        baseline: summary.baseline ? 1 : 0,
        added: summary.added,
        removed: summary.removed,
        changed: summary.changed,
        changed_keys: JSON.stringify({ ...summary.keys, truncated: summary.keys_truncated }),
        fingerprint: collected.fingerprint,
        fetched: collected.fetched ? 1 : 0
      })
      this.repo.updateTask(taskId, {
        status: 'completed',
        completed_at: completedAt,
        duration,
        records_collected: collected.recordCount,
        error_message: null,
        snapshot_id: id
      })
      this.repo.updateTable(table.id, {
        last_record_count: collected.recordCount,
        last_snapshot_at: startedAt,
        last_status: 'ok',
        last_error: null,
        key_columns: JSON.stringify(keyColumns)
      })
      this.repo.updateDatabase(table.database_id, { connection_status: 'connected', connection_error: null })
      return id
    })
    this.safely(() => {
      this.repo.pruneSnapshots(table.id, this.settings.historyLimit)
      this.repo.pruneTasks(table.id, this.settings.taskHistoryLimit)
    })
    const changesDetected = countsShowChanges(summary)
    const event: SnapshotEvent = {
      snapshotId,
      taskId,
      tableId: table.id,
      tableName: table.table_name,
      schemaName: table.schema_name,
      databaseId: table.database_id,
      databaseName: table.database_name,
      serverId: table.server_id,
      serverName: table.server_hostname,
      timestamp: isoSeconds(startedAt),
      recordCount: collected.recordCount,
      truncated: collected.truncated,
      changesDetected,
      changes: summary
    }
    this.safely(() => this.bus.publish('oracle.snapshot', event))
    return {
      taskId,
      status: 'completed',
      snapshotId,
      recordsCollected: collected.recordCount,
      durationSeconds: duration,
      changesDetected,
      truncated: collected.truncated,
      error: null
    }
  }

  /**
   * The source's own limit cancels a statement; this catches a connection gone silent (no
   * answer at all): past the limit and a grace period the run fails and the database's
   * connection is closed, so the next run starts on a new one.
   */
  private async guard<T>(databaseId: number, work: Promise<T>): Promise<T> {
    const limitMs = this.settings.queryTimeoutMs + this.settings.watchdogGraceMs
    let timer: NodeJS.Timeout | undefined
    const watchdog = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        void this.sources.release(databaseId)
        reject(new AppError('unavailable', `The database did not answer within ${Math.round(limitMs / 1000)} s`, { extra: { reason: 'timeout' } }))
      }, limitMs)
      timer.unref()
    })
    try {
      return await Promise.race([work, watchdog])
    } finally {
      clearTimeout(timer)
      // The losing promise may still reject later; nobody waits for it.
      work.catch(noop)
    }
  }

  private safely(work: () => void): void {
    try {
      work()
    } catch (error) {
      if (!this.stopped) this.onError(error)
    }
  }
}

function noop(): void {}

function round3(value: number): number {
  return Math.round(value * 1000) / 1000
}
