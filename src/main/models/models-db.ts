// The models database (<dataDir>/models.db): where models are built, apart from Vigil's store.
// Tables live in `main` (they stay in the file); views are TEMP views, rebuilt by each run,
// because a view kept in the file could not name the attached schemas (SQLite refuses it) and
// would break anywhere but here. Attached: `vigil` (store-tables.ts: Vigil's store as tables,
// in memory) and `imports` (<dataDir>/imports.db, the imported CSV tables, when it exists).
// The run history is kept here too (vigil_model_runs), so models.db is the whole of the feature.
// This is Vigil's own connection: it keeps the runs, fills `vigil`, reads tables' pages; the
// models' SQL runs on the models runner's connection (runner-child.ts), which reads `vigil` from
// a snapshot of this one's and recreates its temp views.
import { existsSync } from 'node:fs'
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { openDb, type Db } from '../base/db/db'
import type { Materialization, ModelRows } from '../../shared/models'
import { countRows, NotASelect, rowsPage } from './model-build'
import { attachStoreSchema, STORE_SCHEMA } from './store-tables'

export { NotASelect } from './model-build'

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

  /** The imports database's file, once it exists (the models runner attaches it too). */
  get importsFile(): string | null {
    return this.importsAttached ? join(this.dataDir, IMPORTS_DB_FILE) : null
  }

  /**
   * A model the runner has just built, as this connection must see it: a table is in the file
   * already (a view of the same name from before would hide it: dropped); a view is a TEMP view,
   * each connection's own, so it is created here again (creating a view runs nothing).
   */
  adopt(name: string, materialization: Materialization, sql: string): void {
    this.db.exec(`DROP VIEW IF EXISTS temp."${name}"`)
    if (materialization === 'view') this.db.exec(`CREATE TEMP VIEW "${name}" AS ${sql}`)
  }

  /** The `CREATE TEMP VIEW` statements of the views this connection has, in the order given (dependencies first). */
  viewStatements(order: readonly string[]): string[] {
    const rows = this.db.prepare("SELECT name, sql FROM sqlite_temp_master WHERE type = 'view'").all() as Array<{ name: string; sql: string }>
    const sqlOf = new Map(rows.map((row) => [row.name, row.sql]))
    // SQLite keeps a temp view's text without its TEMP: put back, or the runner would write the view into models.db.
    return order.flatMap((name) => sqlOf.get(name)?.replace(/^CREATE\s+(?:TEMP\s+|TEMPORARY\s+)?VIEW\b/i, 'CREATE TEMP VIEW') ?? [])
  }

  /**
   * The `vigil` schema as it stands, written to `file` for the models runner: the in-memory
   * tables copied whole (sqlite3_serialize, a copy in memory), written without holding the event loop.
   */
  async writeStoreSnapshot(file: string): Promise<void> {
    await writeFile(file, this.db.serialize({ attached: STORE_SCHEMA }), { mode: 0o600 })
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
    return countRows(this.db, name)
  }

  /** A page of the model's rows, in the order SQLite gives them. */
  rows(name: string, offset: number, limit: number): ModelRows {
    return rowsPage(this.db, name, offset, limit)
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
