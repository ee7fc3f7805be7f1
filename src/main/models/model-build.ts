// Building a model and reading its rows on a models connection: the SQL itself, without the
// run's bookkeeping, so that the models runner (runner-child.ts) does it apart from Vigil's main
// thread and ModelsDb reads with the same rules.
import type { Database } from 'better-sqlite3'
import type { Materialization, ModelRows } from '../../shared/models'

/** A model's SQL that writes: refused before SQLite is asked to build anything with it. */
export class NotASelect extends Error {}

/**
 * Builds a model: a table (replaced in one transaction, so a failed or stopped run keeps the last
 * good one and never leaves half a table) or a temp view. `sql` has its refs compiled; it must be
 * a statement that only reads, as SQLite itself judges it (sqlite3_stmt_readonly). Answers the
 * rows it holds.
 */
export function buildModel(db: Database, name: string, materialization: Materialization, sql: string): number {
  const statement = db.prepare(sql)
  if (!statement.reader) throw new NotASelect(`Model ${name} is not a SELECT: it would write, and models only read (Vigil's store is never open to them for writing)`)
  const quoted = `"${name}"`
  db.transaction(() => {
    db.exec(`DROP VIEW IF EXISTS temp.${quoted}`)
    db.exec(`DROP TABLE IF EXISTS main.${quoted}`)
    if (materialization === 'table') db.exec(`CREATE TABLE main.${quoted} AS ${sql}`)
    else db.exec(`CREATE TEMP VIEW ${quoted} AS ${sql}`)
  })()
  return countRows(db, name)
}

export function countRows(db: Database, name: string): number {
  return Number((db.prepare(`SELECT count(*) AS n FROM "${name}"`).get() as { n: number }).n)
}

/** A page of the model's rows, in the order SQLite gives them, and how many it holds. */
export function rowsPage(db: Database, name: string, offset: number, limit: number): ModelRows {
  const statement = db.prepare(`SELECT * FROM "${name}" LIMIT ? OFFSET ?`).raw(true)
  const columns = statement.columns().map((column) => column.name)
  const rows = (statement.all(limit, offset) as unknown[][]).map((row) => row.map(cell))
  return { columns, rows, total: countRows(db, name), offset, limit }
}

/** Every row, as CSV lines (RFC 4180: quoted where needed, CRLF line ends), the header first. */
export function* csvLines(db: Database, name: string): Generator<string> {
  const statement = db.prepare(`SELECT * FROM "${name}"`).raw(true)
  yield `${statement.columns().map((column) => csvField(column.name)).join(',')}\r\n`
  for (const row of statement.iterate() as Iterable<unknown[]>) yield `${row.map((value) => csvField(cell(value))).join(',')}\r\n`
}

/** A value as JSON carries it: blobs as hex, big integers as text. */
export function cell(value: unknown): string | number | null {
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
