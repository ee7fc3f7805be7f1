import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { migrate, NewerSchemaError, openDb, schemaVersion } from '../../src/main/base/db/db'
import { MIGRATIONS } from '../../src/main/base/db/migrations'
import { makeTempDir } from '../helpers/temp-dir'

let temp: ReturnType<typeof makeTempDir>
let file: string

beforeEach(() => {
  temp = makeTempDir()
  file = join(temp.dir, 'vigil.db')
})
afterEach(() => temp.remove())

const tables = (db: Database.Database) =>
  (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as { name: string }[]).map((t) => t.name)

describe('store', () => {
  it('creates the schema from empty, in WAL mode', () => {
    const db = openDb(file)
    expect(schemaVersion(db)).toBe(MIGRATIONS.length)
    expect(tables(db)).toEqual(expect.arrayContaining(['servers', 'browser_sessions', 'login_codes']))
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal')
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1)
    db.close()
  })

  it('keeps data and version across a reopen, applying nothing twice', () => {
    const db = openDb(file)
    db.prepare(
      "INSERT INTO servers (id, hostname, ip_address, ssh_username, created_at, updated_at) VALUES ('a', 'h', '192.0.2.1', 'u', 1, 1)"
    ).run()
    db.close()
    const again = openDb(file)
    expect(schemaVersion(again)).toBe(MIGRATIONS.length)
    expect(again.prepare('SELECT hostname FROM servers').get()).toEqual({ hostname: 'h' })
    again.close()
  })

  it('applies only the pending migrations, each in a transaction', () => {
    const db = new Database(file)
    migrate(db, MIGRATIONS.slice(0, 1))
    expect(schemaVersion(db)).toBe(1)
    expect(tables(db)).not.toContain('login_codes')
    const broken = [...MIGRATIONS, { version: MIGRATIONS.length + 1, name: 'broken', sql: 'CREATE TABLE half (x); SELECT * FROM missing_table;' }]
    expect(() => migrate(db, broken)).toThrow(/missing_table/)
    expect(schemaVersion(db)).toBe(MIGRATIONS.length)
    expect(tables(db)).not.toContain('half')
    db.close()
  })

  it('refuses a file written by a newer Vigil, and leaves it untouched', () => {
    const db = new Database(file)
    db.pragma(`user_version = ${MIGRATIONS.length + 5}`)
    db.close()
    expect(() => openDb(file)).toThrow(NewerSchemaError)
    expect(() => openDb(file)).toThrow(
      `newer Vigil (schema version ${MIGRATIONS.length + 5}; this build knows up to ${MIGRATIONS.length})`
    )
    const check = new Database(file)
    expect(schemaVersion(check)).toBe(MIGRATIONS.length + 5)
    expect(tables(check)).toEqual([])
    check.close()
  })
})
