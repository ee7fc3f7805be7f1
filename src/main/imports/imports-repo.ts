import type { Db } from '../base/db/db'
import type { FileError, FileStatus, ImportSourceOptions, ImportType } from '../../shared/imports'

export interface ImportSourceRow {
  id: number
  name: string
  type: ImportType
  options: ImportSourceOptions
  created_at: number
}

export interface ImportFileRow {
  source_id: number
  filename: string
  size: number
  mtime: number
  status: FileStatus
  rows_loaded: number
  bad_rows: number
  errors: FileError[]
  resume_line: number
  started_at: number | null
  loaded_at: number | null
}

export type ImportsRepo = ReturnType<typeof createImportsRepo>

/** import_sources and import_files (migration 016). */
export function createImportsRepo(db: Db) {
  const source = (row: Record<string, unknown>): ImportSourceRow => ({ ...(row as unknown as ImportSourceRow), options: JSON.parse(row.options as string) as ImportSourceOptions })
  const file = (row: Record<string, unknown>): ImportFileRow => ({ ...(row as unknown as ImportFileRow), errors: row.errors ? (JSON.parse(row.errors as string) as FileError[]) : [] })
  const s = {
    sources: db.prepare('SELECT * FROM import_sources ORDER BY name'),
    byName: db.prepare('SELECT * FROM import_sources WHERE name = ?'),
    insert: db.prepare('INSERT INTO import_sources (name, type, options, created_at) VALUES (?, ?, ?, ?)'),
    remove: db.prepare('DELETE FROM import_sources WHERE id = ?'),
    files: db.prepare('SELECT * FROM import_files WHERE source_id = ? ORDER BY filename'),
    file: db.prepare('SELECT * FROM import_files WHERE source_id = ? AND filename = ?'),
    start: db.prepare(
      `INSERT INTO import_files (source_id, filename, size, mtime, status, rows_loaded, bad_rows, errors, resume_line, started_at, loaded_at)
       VALUES (@source_id, @filename, @size, @mtime, 'loading', 0, 0, NULL, 0, @now, NULL)
       ON CONFLICT (source_id, filename) DO UPDATE SET size = @size, mtime = @mtime, status = 'loading', rows_loaded = 0, bad_rows = 0,
         errors = NULL, resume_line = 0, started_at = @now, loaded_at = NULL`
    ),
    checkpoint: db.prepare('UPDATE import_files SET rows_loaded = ?, resume_line = ? WHERE source_id = ? AND filename = ?'),
    finish: db.prepare('UPDATE import_files SET status = ?, rows_loaded = ?, bad_rows = ?, errors = ?, loaded_at = ? WHERE source_id = ? AND filename = ?'),
    forget: db.prepare('DELETE FROM import_files WHERE source_id = ? AND filename = ?')
  }
  return {
    sources: (): ImportSourceRow[] => (s.sources.all() as Array<Record<string, unknown>>).map(source),
    byName(name: string): ImportSourceRow | undefined {
      const row = s.byName.get(name) as Record<string, unknown> | undefined
      return row && source(row)
    },
    insert(options: ImportSourceOptions, now: number): void {
      s.insert.run(options.name, options.type, JSON.stringify(options), now)
    },
    remove: (id: number): void => void s.remove.run(id),
    files: (sourceId: number): ImportFileRow[] => (s.files.all(sourceId) as Array<Record<string, unknown>>).map(file),
    file(sourceId: number, filename: string): ImportFileRow | undefined {
      const row = s.file.get(sourceId, filename) as Record<string, unknown> | undefined
      return row && file(row)
    },
    /** A file's import begins (again, from its start). */
    start: (sourceId: number, filename: string, size: number, mtime: number, now: number): void => void s.start.run({ source_id: sourceId, filename, size, mtime, now }),
    checkpoint: (sourceId: number, filename: string, rows: number, line: number): void => void s.checkpoint.run(rows, line, sourceId, filename),
    finish(sourceId: number, filename: string, status: FileStatus, rows: number, badRows: number, errors: FileError[], now: number): void {
      s.finish.run(status, rows, badRows, errors.length ? JSON.stringify(errors) : null, now, sourceId, filename)
    },
    forget: (sourceId: number, filename: string): void => void s.forget.run(sourceId, filename)
  }
}
