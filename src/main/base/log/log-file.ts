import { closeSync, existsSync, fchmodSync, fstatSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from 'node:fs'
import { join } from 'node:path'

/** Where Vigil's log lives in the data directory, and how it rotates. */
export const LOG_DIR = 'logs'
export const LOG_FILE = 'vigil.log'
export const LOG_MAX_BYTES = 5 * 1024 * 1024
export const LOG_KEEP = 3

export interface LogFileOptions {
  /** Rotate when the file would grow past this. */
  maxBytes?: number
  /** Rotated files kept: vigil.log.1 (newest) … vigil.log.N. */
  keep?: number
}

/**
 * An append-only log file that rotates by size: vigil.log → vigil.log.1 → … → vigil.log.N, the
 * oldest dropped. Lines are written synchronously (an error is on disk before its answer is
 * sent, and a crash loses nothing); every file is 0600 and the directory 0700.
 */
export class RotatingLogFile {
  readonly path: string
  private fd: number | null = null
  private size = 0
  private readonly maxBytes: number
  private readonly keep: number

  constructor(
    readonly dir: string,
    options: LogFileOptions = {}
  ) {
    this.path = join(dir, LOG_FILE)
    this.maxBytes = options.maxBytes ?? LOG_MAX_BYTES
    this.keep = options.keep ?? LOG_KEEP
    mkdirSync(dir, { recursive: true, mode: 0o700 })
    this.open()
  }

  write(line: string): void {
    if (this.fd === null) return
    const bytes = Buffer.from(line.endsWith('\n') ? line : `${line}\n`, 'utf8')
    if (this.size > 0 && this.size + bytes.length > this.maxBytes) this.rotate()
    if (this.fd === null) return
    writeSync(this.fd, bytes)
    this.size += bytes.length
  }

  close(): void {
    if (this.fd !== null) closeSync(this.fd)
    this.fd = null
  }

  private open(): void {
    this.fd = openSync(this.path, 'a', 0o600)
    fchmodSync(this.fd, 0o600)
    this.size = fstatSync(this.fd).size
  }

  private rotate(): void {
    this.close()
    rmSync(`${this.path}.${this.keep}`, { force: true })
    for (let index = this.keep - 1; index >= 1; index--) {
      if (existsSync(`${this.path}.${index}`)) renameSync(`${this.path}.${index}`, `${this.path}.${index + 1}`)
    }
    if (this.keep > 0) renameSync(this.path, `${this.path}.1`)
    else rmSync(this.path, { force: true })
    this.open()
  }
}

/** A line of Vigil's own (not a request's) in the log's format, pino's: level 30 info, 50 error. */
export function logLine(msg: string, level: 'info' | 'error', time = Date.now()): string {
  return JSON.stringify({ level: level === 'error' ? 50 : 30, time, pid: process.pid, msg })
}
