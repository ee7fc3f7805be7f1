import { chmodSync, writeFileSync } from 'node:fs'

/** Writes a file only its owner can read (0600), whatever the umask. */
export function writePrivateFile(file: string, content: string | Buffer): void {
  writeFileSync(file, content, { mode: 0o600, flag: 'wx' })
  chmodSync(file, 0o600)
}
