// Upgrades a data dir in place: the metrics tables of the release before the series store
// (raw samples, minute and hour roll-ups) are copied into it, checked, and only then dropped.
//
// - Each table is read once, in the order of its groups and then time, through a second,
//   read-only connection (so the copy can commit as it goes while the read goes on), and its
//   rows are written as whole chunks of up to `chunkRows` straight into the store's tables
//   (SeriesStore.writeChunks): no heads, no log.
// - How far each table got is a cursor (the last row copied, in that order) kept in
//   series_conversion, written in the same transaction as the chunks it covers: a run killed at
//   any point keeps both or neither, and the next run carries on after the cursor, so no row is
//   copied twice or skipped.
// - Before anything is dropped every group is compared, old against new (series-conversion-
//   verify.ts); any difference leaves the old tables where they are and is reported.
// - It is async: it yields to the event loop between transactions and every few milliseconds of
//   work, so the process that runs it (Vigil, at start) goes on answering. Collectors may append
//   new samples to the same groups meanwhile: the check compares only the store's samples older
//   than the conversion (its cutoff, kept with the cursors), which are the copied ones.
import Database from 'better-sqlite3'
import type { Db } from '../base/db/db'
import type { BulkChunk, SeriesStore } from '../base/series/series-store'
import type { SampleValues } from './samples'
import { OLD_BOOKKEEPING_TABLES, OLD_TABLES, type OldTable } from './series-conversion-tables'
import { verifyTable, type GroupMismatch } from './series-conversion-verify'

export { describeMismatch, type GroupMismatch, type GroupSummary } from './series-conversion-verify'
import { setImmediate as nextTurn, setTimeout as delay } from 'node:timers/promises'

export interface ConversionProgress {
  /** The old table being copied. */
  table: string
  /** The series metric its rows become (`iostat`, `iostat:rollup`). */
  metric: string
  /** Rows of the table copied so far, and its rows in all. */
  done: number
  total: number
  /** The same over every table, for one progress bar. */
  allDone: number
  allTotal: number
}

/** How far the check after the copy got: rows read from both sides, of twice the old rows. */
export interface CheckProgress {
  /** The old table being compared. */
  table: string
  checked: number
  total: number
}

export interface ConversionOptions {
  /** Called after each committed step (and once per table as it starts), counts only growing. */
  onProgress?: (progress: ConversionProgress) => void
  /** Called as the check goes, every few thousand rows. */
  onCheckProgress?: (progress: CheckProgress) => void
  /** Rows a chunk holds at most: 720 is 12 hours at 60 s, an hour at 5 s. */
  chunkRows?: number
  /** Rows copied per transaction: fewer, larger commits; a kill loses at most this much work. */
  rowsPerTransaction?: number
  /** Milliseconds to wait after each transaction, leaving the disk to other work (default 0). */
  pauseMs?: number
  /** Stops the conversion at its next step, rejecting with the signal's reason; what was committed stays. */
  signal?: AbortSignal
  /**
   * When the process converting started, before it collected anything: samples the store gets
   * from then on are new ones, not copies (default: now). Only the first run's counts.
   */
  newSamplesFrom?: number
}

export type ConversionResult =
  | { status: 'nothing-to-convert' }
  | { status: 'converted'; rows: number; tables: string[] }
  | { status: 'mismatch'; mismatches: GroupMismatch[] }

export const DEFAULT_CHUNK_ROWS = 720
/** About 10 ms of work per commit here (20,000 rows held the event loop for 110 ms), at the same throughput. */
const DEFAULT_ROWS_PER_TRANSACTION = 2_000
/** The converter's own records (cursors, cutoff); dropped with the old tables. */
const PROGRESS_TABLE = 'series_conversion'
const CUTOFF_TABLE = 'series_conversion_cutoff'
export const CONVERSION_TABLES = [PROGRESS_TABLE, CUTOFF_TABLE] as const

interface TableState {
  cursor: unknown[] | null
  done: number
  complete: boolean
}

/**
 * Copies, verifies, then drops the old metrics tables. Resumable: after a crash, call it again.
 * `db` must be a file (a second, read-only connection reads the old tables).
 */
export async function convertMetricTables(db: Db, store: SeriesStore, options: ConversionOptions = {}): Promise<ConversionResult> {
  const tables = OLD_TABLES.filter((table) => tableExists(db, table.table))
  if (tables.length === 0) return { status: 'nothing-to-convert' }
  const cutoff = conversionCutoff(db, tables, options.newSamplesFrom ?? Date.now())
  const reader = new Database(db.name, { readonly: true, fileMustExist: true })
  try {
    const pacer = new Pacer(options)
    const rows = await copyTables(db, reader, store, tables, options, pacer)
    const mismatches: GroupMismatch[] = []
    let checked = 0
    for (const table of tables) {
      const found = await verifyTable(reader, store, table, {
        before: cutoff,
        onRows: async (read) => {
          checked += read
          options.onCheckProgress?.({ table: table.table, checked: Math.min(checked, 2 * rows), total: 2 * rows })
          if (pacer.due()) await pacer.yield()
        }
      })
      mismatches.push(...found)
    }
    if (mismatches.length > 0) return { status: 'mismatch', mismatches }
    reader.close()
    dropOldTables(db, tables)
    return { status: 'converted', rows, tables: tables.map((table) => table.table) }
  } finally {
    if (reader.open) reader.close()
  }
}

/** Copies every table not yet copied, from where each stopped; returns the rows of all tables. */
export async function copyMetricTables(db: Db, store: SeriesStore, options: ConversionOptions = {}): Promise<number> {
  const tables = OLD_TABLES.filter((table) => tableExists(db, table.table))
  if (tables.length === 0) return 0
  conversionCutoff(db, tables, options.newSamplesFrom ?? Date.now())
  const reader = new Database(db.name, { readonly: true, fileMustExist: true })
  try {
    return await copyTables(db, reader, store, tables, options, new Pacer(options))
  } finally {
    reader.close()
  }
}

/** Paces a long job on the event loop: a turn for everything else every SLICE_MS of work and after each transaction. */
class Pacer {
  static readonly SLICE_MS = 20
  private sliceStart = performance.now()
  private readonly pauseMs: number
  private readonly signal: AbortSignal | undefined

  constructor(options: ConversionOptions) {
    this.pauseMs = options.pauseMs ?? 0
    this.signal = options.signal
  }

  /** Whether this slice of work is used up (cheap; ask often). */
  due(): boolean {
    return performance.now() - this.sliceStart >= Pacer.SLICE_MS
  }

  /** Lets the event loop run, and stops here when asked to. */
  async yield(pauseMs = 0): Promise<void> {
    this.signal?.throwIfAborted()
    await (pauseMs > 0 ? delay(pauseMs, undefined, { signal: this.signal }) : nextTurn(undefined, { signal: this.signal }))
    this.sliceStart = performance.now()
  }

  afterTransaction(): Promise<void> {
    return this.yield(this.pauseMs)
  }
}

/**
 * The time before which every sample in the store's groups was copied from the old tables:
 * samples collected while the conversion runs are newer, and the check leaves them out. Kept
 * from the first run, so a resumed conversion still tells apart what an interrupted run's
 * collectors wrote. Later than every old sample even when the old release's clock ran ahead.
 */
function conversionCutoff(db: Db, tables: readonly OldTable[], newSamplesFrom: number): number {
  db.exec(`CREATE TABLE IF NOT EXISTS ${CUTOFF_TABLE} (ts INTEGER NOT NULL)`)
  const kept = db.prepare(`SELECT ts FROM ${CUTOFF_TABLE}`).pluck().get() as number | undefined
  if (kept !== undefined) return kept
  let cutoff = newSamplesFrom
  // Raw samples only: their ts is indexed, and a roll-up's bucket is never later than its samples.
  for (const table of tables.filter((table) => table.time === 'ts')) {
    const newest = db.prepare(`SELECT MAX(ts) FROM ${table.table}`).pluck().get() as number | null
    if (newest !== null && newest >= cutoff) cutoff = newest + 1
  }
  db.prepare(`INSERT INTO ${CUTOFF_TABLE} (ts) VALUES (?)`).run(cutoff)
  return cutoff
}

async function copyTables(
  db: Db,
  reader: Database.Database,
  store: SeriesStore,
  tables: readonly OldTable[],
  options: ConversionOptions,
  pacer: Pacer
): Promise<number> {
  db.exec(`CREATE TABLE IF NOT EXISTS ${PROGRESS_TABLE} (
    source    TEXT PRIMARY KEY,
    cursor    TEXT,
    done      INTEGER NOT NULL,
    complete  INTEGER NOT NULL
  )`)
  const totals: number[] = []
  for (const table of tables) {
    totals.push(reader.prepare(`SELECT COUNT(*) FROM ${table.table}`).pluck().get() as number)
    if (pacer.due()) await pacer.yield()
  }
  const allTotal = totals.reduce((sum, total) => sum + total, 0)
  const states = tables.map((table) => readState(db, table.table))
  let allDone = states.reduce((sum, state) => sum + state.done, 0)
  for (const [t, table] of tables.entries()) {
    const state = states[t] as TableState
    const total = totals[t] as number
    const report = (done: number): void =>
      options.onProgress?.({ table: table.table, metric: table.seriesMetric, done, total, allDone, allTotal })
    report(state.done)
    if (state.complete) continue
    await copyTable(db, reader, store, table, state, options, pacer, (rows) => {
      allDone += rows
      report(state.done)
    })
  }
  return allTotal
}

/** Copies one table after its cursor, committing every `rowsPerTransaction` rows with the new cursor. */
async function copyTable(
  db: Db,
  reader: Database.Database,
  store: SeriesStore,
  table: OldTable,
  state: TableState,
  options: ConversionOptions,
  pacer: Pacer,
  committed: (rows: number) => void
): Promise<void> {
  const chunkRows = options.chunkRows ?? DEFAULT_CHUNK_ROWS
  const perTransaction = options.rowsPerTransaction ?? DEFAULT_ROWS_PER_TRANSACTION
  const saveState = db.prepare(
    `INSERT INTO ${PROGRESS_TABLE} (source, cursor, done, complete) VALUES (?, ?, ?, ?)
       ON CONFLICT (source) DO UPDATE SET cursor = excluded.cursor, done = excluded.done, complete = excluded.complete`
  )
  const order = table.order.join(', ')
  const after = state.cursor === null ? '' : `WHERE (${order}) > (${table.order.map(() => '?').join(', ')})`
  const rows = reader.prepare(`SELECT * FROM ${table.table} ${after} ORDER BY ${order}`).iterate(...(state.cursor ?? [])) as Iterable<SampleValues>

  let batch: BulkChunk[] = []
  let batchRows = 0
  let batchCursor: unknown[] | null = null
  const commit = (complete: boolean): void => {
    const done = state.done + batchRows
    const cursor = batchCursor ?? state.cursor
    store.writeChunks(batch, () => saveState.run(table.table, cursor === null ? null : JSON.stringify(cursor), done, complete ? 1 : 0))
    state.done = done
    state.cursor = cursor
    state.complete = complete
    const rowsCommitted = batchRows
    batch = []
    batchRows = 0
    committed(rowsCommitted)
  }

  // The rows of the group being read, not yet in a chunk.
  let groupColumns: string | null = null
  let groupKey: ReturnType<OldTable['groupKey']> | null = null
  let ts: number[] = []
  let columns: Array<ReturnType<OldTable['values']>> = []
  let lastRow: SampleValues | null = null
  /** Ends the chunk being built; true when the batch holds a transaction's worth of rows. */
  const endChunk = (): boolean => {
    if (ts.length === 0) return false
    // A chunk is stored by columns; rows were read as rows. The group is looked up now, not
    // when its first row was read: the store's groups may have changed while this one waited.
    const width = columns[0]?.length ?? 0
    const groupId = store.groupId(groupKey as ReturnType<OldTable['groupKey']>)
    batch.push({ groupId, ts, columns: Array.from({ length: width }, (_, c) => columns.map((row) => row[c] ?? null)) })
    batchRows += ts.length
    batchCursor = table.order.map((column) => (lastRow as SampleValues)[column])
    ts = []
    columns = []
    return batchRows >= perTransaction
  }

  for (const row of rows) {
    const key = JSON.stringify(table.groupColumns.map((column) => row[column]))
    if (key !== groupColumns || ts.length >= chunkRows) {
      const full = endChunk()
      // A turn for the event loop before a commit too: the batch waits in memory, no transaction is open.
      if (pacer.due()) await pacer.yield()
      if (full) {
        commit(false)
        await pacer.afterTransaction()
      }
      if (key !== groupColumns) groupKey = table.groupKey(row)
      groupColumns = key
    }
    ts.push(row[table.time] as number)
    columns.push(table.values(row))
    lastRow = row
  }
  if (endChunk()) commit(false)
  commit(true)
}

function readState(db: Db, table: string): TableState {
  const row = db.prepare(`SELECT cursor, done, complete FROM ${PROGRESS_TABLE} WHERE source = ?`).get(table) as
    | { cursor: string | null; done: number; complete: number }
    | undefined
  if (!row) return { cursor: null, done: 0, complete: false }
  return { cursor: row.cursor === null ? null : (JSON.parse(row.cursor) as unknown[]), done: row.done, complete: row.complete === 1 }
}

function tableExists(db: Db, name: string): boolean {
  return db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(name) !== undefined
}

/** Drops the old tables, the release's roll-up progress and the converter's own, in one transaction. */
function dropOldTables(db: Db, tables: readonly OldTable[]): void {
  db.transaction(() => {
    for (const table of tables) db.exec(`DROP TABLE ${table.table}`)
    for (const name of [...OLD_BOOKKEEPING_TABLES, ...CONVERSION_TABLES]) db.exec(`DROP TABLE IF EXISTS ${name}`)
  })()
}
