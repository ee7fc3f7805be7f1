// Where a SQLite store's disk writes go (bench/store-size.ts --account): the WAL's frames by the
// table or index that owns each page, the pages each checkpoint copies into the database, and
// the pages written more than once between checkpoints. Each checkpoint reads the whole file
// (dbstat): slow on large files. SQLite's own automatic checkpoint is
// replaced by the same rule run here (after a commit, a PASSIVE checkpoint once the WAL holds
// `autocheckpoint` frames), so that the WAL can be read just before each checkpoint.
import { closeSync, openSync, readSync } from 'node:fs'
import type { Db } from '../src/main/base/db/db'

interface Tally {
  /** WAL frames (page images appended by commits). */
  frames: number
  /** Distinct pages: what the checkpoint writes into the database file. */
  pages: number
}

export class WriteAccounting {
  private readonly byName = new Map<string, Tally>()
  private readonly checkpoints: Array<{ at: number; frames: number; pages: number; top: string }> = []
  private pageSize = 4096
  private readonly autocheckpoint: number

  constructor(
    private readonly db: Db,
    private readonly file: string,
    private readonly clock: () => number
  ) {
    this.autocheckpoint = db.pragma('wal_autocheckpoint', { simple: true }) as number
    db.pragma('wal_autocheckpoint = 0')
    this.pageSize = db.pragma('page_size', { simple: true }) as number
  }

  /** After each commit: SQLite's autocheckpoint rule. */
  afterCommit(): void {
    const frames = this.readFrames()
    if (frames.length >= this.autocheckpoint) this.checkpoint(frames)
  }

  /** Before the final (TRUNCATE) checkpoint. */
  beforeFinalCheckpoint(): void {
    this.checkpoint(this.readFrames(), false)
  }

  private checkpoint(frames: number[], run = true): void {
    const owners = this.owners()
    const counts = new Map<number, number>()
    for (const page of frames) counts.set(page, (counts.get(page) ?? 0) + 1)
    const here = new Map<string, Tally>()
    for (const [page, count] of counts) {
      const name = owners.get(page) ?? '(free or new)'
      for (const map of [here, this.byName]) {
        const tally = map.get(name) ?? { frames: 0, pages: 0 }
        tally.frames += count
        tally.pages++
        map.set(name, tally)
      }
    }
    const top = [...here.entries()]
      .sort((a, b) => b[1].frames - a[1].frames)
      .slice(0, 5)
      .map(([name, t]) => `${name} ${t.frames}/${t.pages}`)
      .join(', ')
    this.checkpoints.push({ at: this.clock(), frames: frames.length, pages: counts.size, top })
    if (run) {
      this.db.pragma('wal_checkpoint(PASSIVE)')
      // Those frames are in the database now: not counted again if the WAL goes on in the same generation.
      this.seen.pages = []
      this.seen.committed = 0
    }
  }

  /** What was read of the WAL's current generation: its salts, its committed frames, where to read on. */
  private seen = { salt1: -1, salt2: -1, pages: [] as number[], committed: 0, offset: 32 }

  /**
   * Page numbers of the committed frames of the WAL's current generation, in order. Only the
   * frames appended since the last call are read (after a checkpoint the WAL starts over in
   * the same file, with new salts).
   */
  private readFrames(): number[] {
    let fd: number
    try {
      fd = openSync(this.file + '-wal', 'r')
    } catch {
      return []
    }
    try {
      const header = Buffer.alloc(32)
      if (readSync(fd, header, 0, 32, 0) < 32) return []
      const pageSize = header.readUInt32BE(8)
      const salt1 = header.readUInt32BE(16)
      const salt2 = header.readUInt32BE(20)
      if (salt1 !== this.seen.salt1 || salt2 !== this.seen.salt2) this.seen = { salt1, salt2, pages: [], committed: 0, offset: 32 }
      const seen = this.seen
      const frame = Buffer.alloc(24)
      // Uncommitted frames at the end are read again next time.
      seen.pages.length = seen.committed
      for (let offset = seen.offset; ; offset += 24 + pageSize) {
        if (readSync(fd, frame, 0, 24, offset) < 24) break
        if (frame.readUInt32BE(8) !== salt1 || frame.readUInt32BE(12) !== salt2) break
        seen.pages.push(frame.readUInt32BE(0))
        if (frame.readUInt32BE(4) !== 0) {
          seen.committed = seen.pages.length
          seen.offset = offset + 24 + pageSize
        }
      }
      seen.pages.length = seen.committed
      return seen.pages
    } finally {
      closeSync(fd)
    }
  }

  /** Page → table or index (one pass of dbstat over the whole file; pages of no b-tree are free). */
  private owners(): Map<number, string> {
    const owners = new Map<number, string>()
    for (const { name, pageno } of this.db.prepare('SELECT name, pageno FROM dbstat').iterate() as Iterable<{ name: string; pageno: number }>) owners.set(pageno, name)
    return owners
  }

  report(): string[] {
    const MIB = 1024 * 1024
    const mib = (pages: number): string => `${((pages * this.pageSize) / MIB).toFixed(1)} MiB`
    const lines = ['  write accounting (WAL frames / distinct pages copied by checkpoints, per table or index):']
    const sorted = [...this.byName.entries()].sort((a, b) => b[1].frames - a[1].frames)
    let frames = 0
    let pages = 0
    for (const [name, t] of sorted) {
      frames += t.frames
      pages += t.pages
      if (t.frames * this.pageSize < MIB / 10) continue
      lines.push(`    ${name.padEnd(28)} WAL ${mib(t.frames).padStart(11)}  checkpoint ${mib(t.pages).padStart(11)}  (${(t.frames / t.pages).toFixed(2)} frames per page)`)
    }
    lines.push(`    ${'total'.padEnd(28)} WAL ${mib(frames).padStart(11)}  checkpoint ${mib(pages).padStart(11)}  in ${this.checkpoints.length} checkpoints`)
    lines.push('  checkpoints (simulated time, frames, distinct pages, top owners frames/pages):')
    for (const c of this.checkpoints) lines.push(`    ${new Date(c.at).toISOString().slice(11, 16)} ${String(c.frames).padStart(6)} ${String(c.pages).padStart(6)}  ${c.top}`)
    return lines
  }
}
