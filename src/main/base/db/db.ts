import { chmodSync, closeSync, existsSync, openSync, statSync } from 'node:fs'
import Database from 'better-sqlite3'
import { MIGRATIONS, type Migration } from './migrations'

export type Db = Database.Database

/** Raised when the file was written by a newer Vigil: opening it could corrupt its data. */
export class NewerSchemaError extends Error {
  constructor(
    readonly fileVersion: number,
    readonly knownVersion: number
  ) {
    super(
      `The database was written by a newer Vigil (schema version ${fileVersion}; this build knows up to ${knownVersion}). ` +
        'Upgrade Vigil or open another data directory.'
    )
    this.name = 'NewerSchemaError'
  }
}

/**
 * Opens (creating if needed) the SQLite file and brings its schema up to date. The file is
 * created 0600 before SQLite opens it, since SQLite creates its -wal and -shm with the mode of
 * the database file; an existing file (and its -wal and -shm) readable by others is made 0600.
 */
export function openDb(file: string, migrations: readonly Migration[] = MIGRATIONS): Db {
  const onDisk = file !== ':memory:' && file !== '' && !file.startsWith('file:')
  if (onDisk) makePrivate(file, true)
  const db = new Database(file)
  try {
    db.pragma('journal_mode = WAL')
    db.pragma('synchronous = NORMAL')
    db.pragma('foreign_keys = ON')
    db.pragma('busy_timeout = 5000')
    // Checkpoint the WAL every 64 MiB rather than every 4 MiB: fewer, larger checkpoints lift
    // sustained ingest by about a quarter (bench/ingest.ts).
    db.pragma('wal_autocheckpoint = 16384')
    migrate(db, migrations)
    if (onDisk) for (const suffix of ['-wal', '-shm']) makePrivate(file + suffix, false)
    return db
  } catch (error) {
    db.close()
    throw error
  }
}

function makePrivate(file: string, create: boolean): void {
  if (process.platform === 'win32') return
  if (create) closeSync(openSync(file, 'a', 0o600))
  else if (!existsSync(file)) return
  if ((statSync(file).mode & 0o077) !== 0) chmodSync(file, 0o600)
}

export function schemaVersion(db: Db): number {
  return db.pragma('user_version', { simple: true }) as number
}

/** Forward-only migrations, each in its own transaction, recorded in `user_version`. */
export function migrate(db: Db, migrations: readonly Migration[]): void {
  const latest = migrations.at(-1)?.version ?? 0
  const current = schemaVersion(db)
  if (current > latest) throw new NewerSchemaError(current, latest)
  for (const migration of migrations) {
    if (migration.version <= current) continue
    db.transaction(() => {
      db.exec(migration.sql)
      db.pragma(`user_version = ${migration.version}`)
    })()
  }
}

/** A real round trip to the file, for health checks. */
export function pingDb(db: Db): void {
  db.prepare('SELECT 1').get()
}
