import { chmodSync, lstatSync, mkdirSync, readdirSync, renameSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

/** Writes a file only its owner can read (0600), whatever the umask. */
export function writePrivateFile(file: string, content: string | Buffer): void {
  writeFileSync(file, content, { mode: 0o600, flag: 'wx' })
  chmodSync(file, 0o600)
}

/** Writes or replaces a file, 0600, atomically (a reader sees the old content or the new). */
export function replacePrivateFile(file: string, content: string | Buffer): void {
  const temporary = `${file}.${process.pid}.tmp`
  writeFileSync(temporary, content, { mode: 0o600 })
  chmodSync(temporary, 0o600)
  renameSync(temporary, file)
}

const mode = (bits: number): string => `0${(bits & 0o777).toString(8)}`

/**
 * Makes the data directory private: created 0700 if missing; if it (or anything in it) can be
 * read by others — a directory that existed before with 0755, a file from an older Vigil, one
 * copied in — its mode is tightened to 0700 (directories) or 0600 (files). Symbolic links are
 * left alone. Returns one line per change, and per entry it could not change, for the log and
 * the console. No-op on Windows, whose files have no Unix modes.
 */
export function securePrivateTree(root: string, platform: NodeJS.Platform = process.platform): string[] {
  mkdirSync(root, { recursive: true, mode: 0o700 })
  if (platform === 'win32') return []
  const notes: string[] = []
  const visit = (path: string, depth: number): void => {
    const stat = lstatSync(path)
    if (stat.isSymbolicLink()) return
    const wanted = stat.isDirectory() ? 0o700 : 0o600
    if ((stat.mode & 0o077) !== 0) {
      try {
        chmodSync(path, wanted)
        notes.push(`${path} was readable by other users (mode ${mode(stat.mode)}); now ${mode(wanted)}`)
      } catch (error) {
        notes.push(`${path} is readable by other users (mode ${mode(stat.mode)}) and Vigil cannot change it: ${(error as Error).message}`)
      }
    }
    if (stat.isDirectory() && depth < 4) for (const name of readdirSync(path)) visit(join(path, name), depth + 1)
  }
  visit(root, 0)
  return notes
}
