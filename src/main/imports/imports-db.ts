// `<dataDir>/imports.db`: the raw tables of csv_table sources, one per source, named as the
// source. A database of its own, so a long import's transaction never holds the operational
// store's write lock, and the SQL models (another branch) attach it read-only under the schema
// name `imports` (`SELECT … FROM imports.sales`). Each table has the file's columns (names made
// identifiers: letters, digits, _), values stored as numbers where they read as numbers, NULL
// for an empty field, and two of Vigil's: `_file` (the upload it came from) and `_line`.
import { openDb, type Db } from '../base/db/db'
import { identifier } from './csv-metrics'

export const IMPORTS_DB_FILE = 'imports.db'
export const IMPORTS_SCHEMA = 'imports'
const PROVENANCE = ['_file', '_line']

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/

export class ImportsDb {
  readonly db: Db

  constructor(file: string) {
    this.db = openDb(file, [])
  }

  /** Column names for a header: identifiers, lowercase, unique (a repeat gets _2, _3…). */
  static columnsOf(header: readonly string[]): string[] {
    const seen = new Set<string>(PROVENANCE)
    return header.map((name) => {
      const base = identifier(name).toLowerCase()
      let column = base
      for (let n = 2; seen.has(column); n++) column = `${base}_${n}`
      seen.add(column)
      return column
    })
  }

  /** The table, created or widened so it has every column of `columns`. */
  ensureTable(table: string, columns: readonly string[]): void {
    const existing = this.db.prepare(`SELECT name FROM pragma_table_info(?)`).pluck().all(table) as string[]
    if (existing.length === 0) {
      this.db.exec(`CREATE TABLE ${quote(table)} (${[...columns, ...PROVENANCE].map(quote).join(', ')})`)
      this.db.exec(`CREATE INDEX ${quote(`${table}__file`)} ON ${quote(table)} (_file)`)
      return
    }
    for (const column of columns) if (!existing.includes(column)) this.db.exec(`ALTER TABLE ${quote(table)} ADD COLUMN ${quote(column)}`)
  }

  inserter(table: string, columns: readonly string[], file: string): (line: number, fields: readonly string[]) => void {
    const statement = this.db.prepare(`INSERT INTO ${quote(table)} (${[...columns, ...PROVENANCE].map(quote).join(', ')}) VALUES (${[...columns, ...PROVENANCE].map(() => '?').join(', ')})`)
    const values = new Array<unknown>(columns.length + 2)
    return (line, fields) => {
      for (let i = 0; i < columns.length; i++) values[i] = cell(fields[i] as string)
      values[columns.length] = file
      values[columns.length + 1] = line
      statement.run(values)
    }
  }

  /** Drops the rows an earlier import of `file` left (it is imported again, or deleted). */
  deleteFile(table: string, file: string): number {
    if (!this.hasTable(table)) return 0
    return this.db.prepare(`DELETE FROM ${quote(table)} WHERE _file = ?`).run(file).changes
  }

  dropTable(table: string): void {
    this.db.exec(`DROP TABLE IF EXISTS ${quote(table)}`)
  }

  hasTable(table: string): boolean {
    return this.db.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?`).get(table) !== undefined
  }

  close(): void {
    this.db.close()
  }
}

const quote = (name: string): string => `"${name.replace(/"/g, '""')}"`

/**
 * A field as SQLite keeps it: a number when it reads as one, NULL when empty, else the text —
 * kept as text when a leading zero would be lost (a code such as 007, a postcode).
 */
function cell(text: string | undefined): string | number | null {
  if (text === undefined || text === '') return null
  return NUMBER.test(text) && !LEADING_ZERO.test(text) ? Number(text) : text
}

const LEADING_ZERO = /^[+-]?0\d/
