import { createHash } from 'node:crypto'
import type { SnapshotSource } from './source'

/** Where and as whom to read one monitored database; the password already opened. */
export interface SourceTarget {
  engine: 'oracle' | 'postgresql'
  host: string
  port: number
  /** Oracle: exactly one of sid and serviceName. */
  sid: string | null
  serviceName: string | null
  /** PostgreSQL: the database. */
  database: string | null
  user: string
  password: string | null
  connectTimeoutSeconds: number
}

export type SourceFactory = (target: SourceTarget) => SnapshotSource

interface Entry {
  /** Digest of the target the source was built for. */
  key: string
  source: SnapshotSource
}

/**
 * One source (one connection) per monitored database, shared by its tables' snapshots and
 * made on first use. A source is closed when its database is deleted or changed (release),
 * when its target no longer matches what it was built with, and when Vigil closes.
 */
export class SnapshotSources {
  private readonly entries = new Map<number, Entry>()
  private closed = false

  constructor(
    private readonly targetOf: (databaseId: number) => SourceTarget,
    private readonly factory: SourceFactory
  ) {}

  /** The database's shared source. */
  get(databaseId: number): SnapshotSource {
    if (this.closed) throw new Error('Snapshot sources are closed')
    const target = this.targetOf(databaseId)
    const key = keyOf(target)
    const current = this.entries.get(databaseId)
    if (current?.key === key) return current.source
    if (current) void current.source.close().catch(() => undefined)
    const source = this.factory(target)
    this.entries.set(databaseId, { key, source })
    return source
  }

  /** A source of its own for a one-off job (a connection test); the caller closes it. */
  fresh(databaseId: number): SnapshotSource {
    return this.factory(this.targetOf(databaseId))
  }

  /** Closes the database's source; the next get() connects again. */
  async release(databaseId: number): Promise<void> {
    const entry = this.entries.get(databaseId)
    if (!entry) return
    this.entries.delete(databaseId)
    await entry.source.close().catch(() => undefined)
  }

  /** Releases sources of databases not in `keep` (deleted, e.g. with their server). */
  async retain(keep: ReadonlySet<number>): Promise<void> {
    await Promise.all([...this.entries.keys()].filter((id) => !keep.has(id)).map((id) => this.release(id)))
  }

  async closeAll(): Promise<void> {
    this.closed = true
    const entries = [...this.entries.values()]
    this.entries.clear()
    await Promise.all(entries.map((entry) => entry.source.close().catch(() => undefined)))
  }

  /** Databases with an open source, for tests and diagnostics. */
  openDatabases(): number[] {
    return [...this.entries.keys()]
  }
}

function keyOf(target: SourceTarget): string {
  return createHash('sha256').update(JSON.stringify(target)).digest('hex')
}
