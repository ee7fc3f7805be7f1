// Import sources: created and deleted through the platform API (or the Imports page), fed
// uploads and the drop folder, and synced — a sync imports every file of the source's upload
// directory not yet loaded as it is now. Imports run one at a time (imports.db has one writer,
// and a long one holds its transaction); each file's outcome is kept (import_files).
import { appendFileSync, createWriteStream, existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { basename, join, resolve } from 'node:path'
import type { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { AppError } from '../../shared/errors'
import { CreateImportSourceSchema, type CsvFile, type CsvFiles, type FileDeleted, type ImportSourceOptions } from '../../shared/imports'
import type { LogLevel } from '../../shared/platform'
import { isoSeconds } from '../../shared/time'
import { validated } from '../base/validated'
import { importedFileMatchers, importedSourceMatchers, importLabelValue } from '../base/series/imported-groups'
import type { LabelMatcher } from '../base/series/matchers'
import { DEFAULT_PARTITION_LABEL, type SeriesStore } from '../base/series/series-store'
import { importFile, type FileOutcome } from './importer'
import type { ImportsDb } from './imports-db'
import type { ImportFileRow, ImportSourceRow, ImportsRepo } from './imports-repo'
import { messageOf } from '../base/text'

export const UPLOADS_DIR = 'uploads'
/** Uploads larger than this are refused (413); `vigil serve` may set another. */
export const DEFAULT_MAX_UPLOAD_BYTES = 2 * 1024 ** 3
const PROGRESS_EVERY_MS = 5_000

export interface ImportsServiceDeps {
  dataDir: string
  repo: ImportsRepo
  tables: ImportsDb
  store: SeriesStore
  /** Whether a server of this id is registered (an nmon source's server_id). */
  serverExists: (id: string) => boolean
  maxUploadBytes?: number
  now?: () => number
}

export type ImportLog = (level: LogLevel, message: string) => void

export class UploadTooLarge extends AppError {
  constructor(limit: number) {
    super('too_large', `The file is larger than the upload limit of ${limit} bytes`)
  }
}

export class ImportsService {
  private queue: Promise<unknown> = Promise.resolve()
  private readonly now: () => number
  readonly maxUploadBytes: number

  constructor(private readonly deps: ImportsServiceDeps) {
    this.now = deps.now ?? Date.now
    this.maxUploadBytes = deps.maxUploadBytes ?? DEFAULT_MAX_UPLOAD_BYTES
  }

  sources(): ImportSourceRow[] {
    return this.deps.repo.sources()
  }

  source(name: string): ImportSourceRow {
    const found = this.deps.repo.byName(name)
    if (!found) throw new AppError('not_found', `Source '${name}' not found`)
    return found
  }

  /** `name` is taken by another source (a collector's names all hold a colon, an import's none). */
  create(body: unknown, nameTaken: (name: string) => boolean): ImportSourceRow {
    const options = validated<ImportSourceOptions>(CreateImportSourceSchema, body)
    if (options.type === 'nmon' && !this.deps.serverExists(options.server_id)) throw AppError.invalidField('server_id', `no registered server has the id ${options.server_id}`)
    if (this.deps.repo.byName(options.name) || nameTaken(options.name)) throw AppError.invalidField('name', `a source named ${options.name} exists already`)
    this.deps.repo.insert(options, this.now())
    mkdirSync(this.uploadDir(options.name), { recursive: true, mode: 0o700 })
    return this.source(options.name)
  }

  async remove(name: string): Promise<void> {
    const source = this.source(name)
    await this.exclusive(async () => {
      if (source.type === 'csv_table') this.deps.tables.dropTable(source.name)
      else this.deps.store.deleteGroups([...importedSourceMatchers(source.id), ...serverOf(source)])
      this.deps.repo.remove(source.id)
      rmSync(this.uploadDir(source.name), { recursive: true, force: true })
    })
  }

  uploadDir(name: string): string {
    return join(this.deps.dataDir, UPLOADS_DIR, name)
  }

  /** The pattern of the files a source takes (the drop folder's filter; the listing's `file_pattern`). */
  static patternOf(source: Pick<ImportSourceRow, 'type'>): string {
    return source.type === 'nmon' ? '*.nmon' : '*.csv'
  }

  /**
   * Streams an upload into the source's directory: into a hidden temporary file first, renamed
   * once whole, so a sync never reads half a file. Over the limit: removed, and UploadTooLarge.
   */
  async upload(name: string, filename: string, file: Readable & { truncated?: boolean }): Promise<{ path: string; filename: string }> {
    const source = this.source(name)
    const safe = safeFilename(filename)
    const dir = this.uploadDir(source.name)
    mkdirSync(dir, { recursive: true, mode: 0o700 })
    const temporary = join(dir, `.upload-${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2)}`)
    try {
      await pipeline(file, createWriteStream(temporary, { mode: 0o600 }))
      if (file.truncated) throw new UploadTooLarge(this.maxUploadBytes)
      const path = join(dir, safe)
      renameSync(temporary, path)
      return { path, filename: safe }
    } catch (error) {
      rmSync(temporary, { force: true })
      throw error
    }
  }

  /**
   * The Imports page's upload (over IPC or the RPC endpoint, which carry no stream): a file in
   * chunks, appended in order to a hidden file, which becomes the upload with the last one.
   */
  appendChunk(name: string, chunk: { upload_id: string; filename: string; offset: number; data: Buffer; last: boolean }): { received: number; file_name: string | null } {
    const source = this.source(name)
    if (!/^[A-Za-z0-9-]{8,64}$/.test(chunk.upload_id)) throw AppError.invalidField('upload_id', 'must be 8 to 64 letters, digits or -')
    const safe = safeFilename(chunk.filename)
    const dir = this.uploadDir(source.name)
    mkdirSync(dir, { recursive: true, mode: 0o700 })
    const temporary = join(dir, `.chunked-${chunk.upload_id}`)
    const size = chunk.offset === 0 ? 0 : existsSync(temporary) ? statSync(temporary).size : -1
    if (size !== chunk.offset) throw AppError.invalidField('offset', `must be ${Math.max(0, size)}, the bytes received so far`)
    const received = size + chunk.data.length
    if (received > this.maxUploadBytes) {
      rmSync(temporary, { force: true })
      throw new UploadTooLarge(this.maxUploadBytes)
    }
    if (chunk.offset === 0) writeFileSync(temporary, chunk.data, { mode: 0o600 })
    else appendFileSync(temporary, chunk.data)
    if (!chunk.last) return { received, file_name: null }
    renameSync(temporary, join(dir, safe))
    return { received, file_name: safe }
  }

  /** Moves a file (from the drop folder) into the source's directory, replacing one of the same name. */
  adopt(name: string, path: string): void {
    const dir = this.uploadDir(this.source(name).name)
    mkdirSync(dir, { recursive: true, mode: 0o700 })
    renameSync(path, join(dir, safeFilename(basename(path))))
  }

  files(name: string): CsvFiles {
    const source = this.source(name)
    const dir = this.uploadDir(source.name)
    const rows = new Map(this.deps.repo.files(source.id).map((row) => [row.filename, row]))
    const onDisk = listDir(dir)
    const names = [...new Set([...onDisk.keys(), ...rows.keys()])].sort()
    const files: CsvFile[] = names.map((filename) => {
      const stat = onDisk.get(filename)
      const row = rows.get(filename)
      const current = row !== undefined && stat !== undefined && row.size === stat.size && row.mtime === Math.trunc(stat.mtimeMs)
      const status = row === undefined || (stat !== undefined && !current && row.status !== 'loading') ? 'pending' : row.status
      return {
        filename,
        path: join(dir, filename),
        size: stat?.size ?? row?.size ?? 0,
        modified: stat ? isoSeconds(stat.mtimeMs) : row ? isoSeconds(row.mtime) : null,
        on_disk: stat !== undefined,
        loaded: status === 'success',
        rows_loaded: status === 'pending' ? 0 : (row?.rows_loaded ?? 0),
        status,
        bad_rows: status === 'pending' ? 0 : (row?.bad_rows ?? 0),
        errors: status === 'pending' ? [] : (row?.errors ?? []),
        loaded_at: row?.loaded_at && status !== 'pending' ? isoSeconds(row.loaded_at) : null
      }
    })
    return {
      source_name: source.name,
      directory: dir,
      file_pattern: ImportsService.patternOf(source),
      files,
      total_files: files.length,
      files_on_disk: files.filter((file) => file.on_disk).length,
      files_loaded: files.filter((file) => file.loaded).length
    }
  }

  /**
   * Deletes a file of the source's directory (`filePath` as the listing gives it, or its bare
   * name); anything outside that directory is refused. What the file imported goes with it: a
   * csv_table file's rows, a metrics CSV's or an nmon recording's samples (its groups, roll-ups
   * included: imported-groups.ts), and nothing else.
   */
  async deleteFile(name: string, filePath: string | undefined): Promise<FileDeleted> {
    const source = this.source(name)
    if (!filePath) throw AppError.invalidField('file_path', 'is required')
    const dir = resolve(this.uploadDir(source.name))
    const target = resolve(dir, filePath)
    if (resolve(target, '..') !== dir || basename(target).startsWith('.')) throw AppError.invalidField('file_path', `must be a file of the source's directory ${dir}`)
    const filename = basename(target)
    const known = this.deps.repo.file(source.id, filename)
    if (!existsSync(target) && !known) throw new AppError('not_found', `File not found: ${filename}`)
    await this.exclusive(async () => {
      rmSync(target, { force: true })
      this.forgetImported(source, filename)
      this.deps.repo.forget(source.id, filename)
    })
    return { success: true, message: `File deleted: ${filename}`, file_path: target, source_name: source.name, background_sync: false }
  }

  /** The files a sync would import now. */
  pending(source: ImportSourceRow): Array<{ filename: string; size: number; mtime: number; resume: ImportFileRow | null }> {
    const rows = new Map(this.deps.repo.files(source.id).map((row) => [row.filename, row]))
    const pending = []
    for (const [filename, stat] of listDir(this.uploadDir(source.name))) {
      const row = rows.get(filename)
      const mtime = Math.trunc(stat.mtimeMs)
      const same = row !== undefined && row.size === stat.size && row.mtime === mtime
      if (same && row.status !== 'loading' && row.status !== 'pending') continue
      pending.push({ filename, size: stat.size, mtime, resume: same && row.status === 'loading' ? row : null })
    }
    return pending
  }

  /**
   * A sync: imports every pending file, again while new ones arrive (an upload during the sync).
   * Resolves with the rows stored; rejects, after the others are imported, when a file was refused.
   */
  async sync(name: string, log: ImportLog): Promise<number> {
    return this.exclusive(async () => {
      let rows = 0
      const refused: string[] = []
      const done = new Set<string>()
      for (;;) {
        const source = this.source(name)
        const pending = this.pending(source).filter((file) => !done.has(`${file.filename}\u0000${file.size}\u0000${file.mtime}`))
        if (pending.length === 0) break
        for (const file of pending) {
          done.add(`${file.filename}\u0000${file.size}\u0000${file.mtime}`)
          const outcome = await this.importOne(source, file, log)
          rows += outcome.rows
          if (outcome.refused !== null) refused.push(`${file.filename}: ${outcome.refused}`)
        }
      }
      if (refused.length > 0) throw new Error(refused.join('; '))
      if (done.size === 0) log('INFO', 'No new files to import')
      return rows
    })
  }

  private async importOne(source: ImportSourceRow, file: { filename: string; size: number; mtime: number; resume: ImportFileRow | null }, log: ImportLog): Promise<FileOutcome> {
    const { repo } = this.deps
    const started = performance.now()
    const resumeLine = file.resume?.resume_line ?? 0
    const resumedRows = file.resume?.rows_loaded ?? 0
    if (file.resume) log('INFO', `Resuming ${file.filename} after line ${resumeLine} (an import cut short)`)
    else {
      // A file replaced under the same name: what its former content imported goes first.
      if (source.type !== 'csv_table') this.forgetImported(source, file.filename)
      repo.start(source.id, file.filename, file.size, file.mtime, this.now())
    }
    log('INFO', `Importing ${file.filename} (${file.size} bytes)`)
    let lastProgress = performance.now()
    let outcome: FileOutcome
    try {
      outcome = await importFile(join(this.uploadDir(source.name), file.filename), source.options, {
        store: this.deps.store,
        tables: this.deps.tables,
        filename: file.filename,
        importKey: importLabelValue(source.id, file.filename),
        resumeLine,
        checkpoint: (rows, line) => repo.checkpoint(source.id, file.filename, resumedRows + rows, line),
        progress: (pass, passes, bytes) => {
          if (performance.now() - lastProgress < PROGRESS_EVERY_MS) return
          lastProgress = performance.now()
          const share = Math.round((100 * ((pass - 1) * file.size + bytes)) / (passes * Math.max(1, file.size)))
          log('INFO', `Importing ${file.filename}: ${share} %${passes === 2 ? (pass === 1 ? ' (checking every row)' : ' (storing)') : ''}`)
        }
      })
    } catch (error) {
      const message = messageOf(error)
      repo.finish(source.id, file.filename, 'failed', 0, 0, [{ line: 0, message }], this.now())
      log('ERROR', `${file.filename} failed: ${message}`)
      return { rows: 0, badRows: 0, errors: [], refused: message }
    }
    const seconds = ((performance.now() - started) / 1000).toFixed(1)
    if (outcome.refused !== null) {
      repo.finish(source.id, file.filename, 'failed', 0, outcome.badRows, outcome.errors, this.now())
      log('ERROR', `${file.filename} ${outcome.refused}; nothing stored`)
      return outcome
    }
    const rows = resumedRows + outcome.rows
    repo.finish(source.id, file.filename, 'success', rows, outcome.badRows, outcome.errors, this.now())
    if (outcome.badRows > 0) log('WARNING', `${file.filename}: ${outcome.badRows} bad rows skipped (first at line ${outcome.errors[0]?.line ?? '?'}: ${outcome.errors[0]?.message ?? ''})`)
    log('SUCCESS', `Imported ${file.filename}: ${rows} rows in ${seconds} s`)
    return { ...outcome, rows: outcome.rows }
  }

  /** Deletes what a file imported: its rows of a csv_table, or the series store's groups it wrote. */
  private forgetImported(source: ImportSourceRow, filename: string): void {
    if (source.type === 'csv_table') this.deps.tables.deleteFile(source.name, filename)
    else this.deps.store.deleteGroups([...importedFileMatchers(source.id, filename), ...serverOf(source)])
  }

  /** Runs `work` when no other import work runs (imports.db has one writer). */
  private exclusive<T>(work: () => Promise<T>): Promise<T> {
    const run = this.queue.then(work, work)
    this.queue = run.catch(() => undefined)
    return run
  }
}

/**
 * An nmon source's groups are all of its server: saying so lets the store look for groups that
 * left memory among that server's only (cold-groups.ts), not every group's. A metrics CSV may
 * have a label column of any name, server_id too: none is assumed.
 */
function serverOf(source: ImportSourceRow): LabelMatcher[] {
  return source.options.type === 'nmon' ? [{ name: DEFAULT_PARTITION_LABEL, op: '=', value: source.options.server_id }] : []
}

/** An upload's name as stored: its last path part, letters, digits, . _ - kept, the rest _. */
export function safeFilename(name: string): string {
  const base = basename(name.replace(/\\/g, '/')).replace(/[^A-Za-z0-9._-]/g, '_').replace(/^\.+/, '')
  if (base === '') throw AppError.invalidField('file', 'has no usable file name')
  return base.slice(0, 200)
}

/** The regular, visible files of a directory (a hidden one is an upload under way). */
function listDir(dir: string): Map<string, { size: number; mtimeMs: number }> {
  const files = new Map<string, { size: number; mtimeMs: number }>()
  let names: string[]
  try {
    names = readdirSync(dir)
  } catch {
    return files
  }
  for (const name of names) {
    if (name.startsWith('.')) continue
    try {
      const stat = statSync(join(dir, name))
      if (stat.isFile()) files.set(name, { size: stat.size, mtimeMs: stat.mtimeMs })
    } catch {
      // gone meanwhile
    }
  }
  return files
}

