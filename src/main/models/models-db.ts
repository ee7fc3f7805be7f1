// The models database (<dataDir>/models.db): where models are built, apart from Vigil's store.
// Tables live in `main` (they stay in the file); views are TEMP views, rebuilt by each run,
// because a view kept in the file could not name the attached schemas (SQLite refuses it) and
// would break anywhere but here. Attached: `vigil` (store-tables.ts: Vigil's store as tables,
// in memory) and `imports` (<dataDir>/imports.db, the imported CSV tables, when it exists).
// The run history is kept here too (vigil_model_runs), so models.db is the whole of the feature.
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { openDb, type Db } from '../base/db/db'
import type { Materialization, ModelRows } from '../../shared/models'
import { attachStoreSchema } from './store-tables'

export const MODELS_DB_FILE = 'models.db'
export const IMPORTS_DB_FILE = 'imports.db'
export const IMPORTS_SCHEMA = 'imports'
/** Runs kept per model. */
const RUNS_KEPT = 50

export interface RunRow {
  id: number
  model: string
  trigger: string
  started_at: number
  finished_at: number | null
  status: 'running' | 'success' | 'error'
  rows: number | null
  error: string | null
  error_line: number | null
  error_column: number | null
}

/** A model's SQL that writes: refused before SQLite is asked to build anything with it. */
export class NotASelect extends Error {}

export class ModelsDb {
  readonly db: Db
  private importsAttached = false

  constructor(private readonly dataDir: string) {
    // Through openDb, as every database in the data dir: created 0600 (its -wal and -shm too), WAL.
    this.db = openDb(join(dataDir, MODELS_DB_FILE), [])
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS vigil_model_runs (
        id INTEGER PRIMARY KEY, model TEXT NOT NULL, trigger TEXT NOT NULL,
        started_at INTEGER NOT NULL, finished_at INTEGER, status TEXT NOT NULL,
        rows INTEGER, error TEXT, error_line INTEGER, error_column INTEGER
      );
      CREATE INDEX IF NOT EXISTS vigil_model_runs_model ON vigil_model_runs (model, id);
      UPDATE vigil_model_runs SET status = 'error', finished_at = started_at, error = 'Vigil stopped before the run ended' WHERE status = 'running';
    `)
    attachStoreSchema(this.db)
    this.attachImports()
  }

  /** imports.db is written by the imports feature; attached once it exists. */
  attachImports(): void {
    if (this.importsAttached) return
    const file = join(this.dataDir, IMPORTS_DB_FILE)
    if (!existsSync(file)) return
    this.db.prepare(`ATTACH DATABASE ? AS ${IMPORTS_SCHEMA}`).run(file)
    this.importsAttached = true
  }

  /**
   * Builds a model: a table (replaced in one transaction, so a failed run keeps the last good
   * one) or a temp view. `sql` has its refs compiled; it must be a statement that only reads,
   * as SQLite itself judges it (sqlite3_stmt_readonly). Answers the rows it holds.
   */
  build(name: string, materialization: Materialization, sql: string): number {
    const statement = this.db.prepare(sql)
    if (!statement.reader) throw new NotASelect(`Model ${name} is not a SELECT: it would write, and models only read (Vigil's store is never open to them for writing)`)
    const quoted = `"${name}"`
    this.db.transaction(() => {
      this.db.exec(`DROP VIEW IF EXISTS temp.${quoted}`)
      this.db.exec(`DROP TABLE IF EXISTS main.${quoted}`)
      if (materialization === 'table') this.db.exec(`CREATE TABLE main.${quoted} AS ${sql}`)
      else this.db.exec(`CREATE TEMP VIEW ${quoted} AS ${sql}`)
    })()
    return this.count(name)
  }

  /** A view model again, as at its last run (views are temp: gone when Vigil stopped). */
  createView(name: string, sql: string): void {
    if (!this.db.prepare(sql).reader) throw new NotASelect(`Model ${name} is not a SELECT`)
    this.db.exec(`CREATE TEMP VIEW IF NOT EXISTS "${name}" AS ${sql}`)
  }

  /** Whether the model's view or table exists now. */
  built(name: string): boolean {
    const found = this.db
      .prepare("SELECT 1 FROM sqlite_temp_master WHERE type = 'view' AND name = ? UNION ALL SELECT 1 FROM main.sqlite_master WHERE type = 'table' AND name = ?")
      .get(name, name)
    return found !== undefined
  }

  drop(name: string): void {
    this.db.exec(`DROP VIEW IF EXISTS temp."${name}"; DROP TABLE IF EXISTS main."${name}"`)
  }

  count(name: string): number {
    return Number((this.db.prepare(`SELECT count(*) AS n FROM "${name}"`).get() as { n: number }).n)
  }

  /** A page of the model's rows, in the order SQLite gives them. */
  rows(name: string, offset: number, limit: number): ModelRows {
    const statement = this.db.prepare(`SELECT * FROM "${name}" LIMIT ? OFFSET ?`).raw(true)
    const columns = statement.columns().map((column) => column.name)
    const rows = (statement.all(limit, offset) as unknown[][]).map((row) => row.map(cell))
    return { columns, rows, total: this.count(name), offset, limit }
  }

  /** Every row, as CSV (RFC 4180: quoted where needed, CRLF line ends). */
  *csv(name: string): Generator<string> {
    const statement = this.db.prepare(`SELECT * FROM "${name}"`).raw(true)
    yield `${statement.columns().map((column) => csvField(column.name)).join(',')}\r\n`
    for (const row of statement.iterate() as Iterable<unknown[]>) yield `${row.map((value) => csvField(cell(value))).join(',')}\r\n`
  }

  startRun(model: string, trigger: string, at: number): number {
    return Number(this.db.prepare("INSERT INTO vigil_model_runs (model, trigger, started_at, status) VALUES (?, ?, ?, 'running')").run(model, trigger, at).lastInsertRowid)
  }

  finishRun(id: number, model: string, at: number, outcome: { rows: number } | { error: string; line: number | null; column: number | null }): void {
    if ('rows' in outcome) {
      this.db.prepare("UPDATE vigil_model_runs SET finished_at = ?, status = 'success', rows = ? WHERE id = ?").run(at, outcome.rows, id)
    } else {
      this.db
        .prepare("UPDATE vigil_model_runs SET finished_at = ?, status = 'error', error = ?, error_line = ?, error_column = ? WHERE id = ?")
        .run(at, outcome.error, outcome.line, outcome.column, id)
    }
    this.db.prepare('DELETE FROM vigil_model_runs WHERE model = ? AND id <= (SELECT id FROM vigil_model_runs WHERE model = ? ORDER BY id DESC LIMIT 1 OFFSET ?)').run(model, model, RUNS_KEPT)
  }

  /** Each model's latest run. */
  latestRuns(): Map<string, RunRow> {
    const rows = this.db.prepare('SELECT * FROM vigil_model_runs WHERE id IN (SELECT max(id) FROM vigil_model_runs GROUP BY model)').all() as RunRow[]
    return new Map(rows.map((row) => [row.model, row]))
  }

  forgetRuns(model: string): void {
    this.db.prepare('DELETE FROM vigil_model_runs WHERE model = ?').run(model)
  }

  close(): void {
    this.db.close()
  }
}

/** A value as JSON carries it: blobs as hex, big integers as text. */
function cell(value: unknown): string | number | null {
  if (value === null || value === undefined) return null
  if (typeof value === 'number' || typeof value === 'string') return value
  if (typeof value === 'bigint') return value.toString()
  if (Buffer.isBuffer(value)) return `x'${value.toString('hex')}'`
  return String(value)
}

function csvField(value: string | number | null): string {
  if (value === null) return ''
  const text = String(value)
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text
}
