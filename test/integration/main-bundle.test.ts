// The built main process (out/main): V8 keeps each script's source while it runs, one byte a
// character only when all of it is Latin-1, so the build escapes every wider character
// (electron.vite.config.ts) — and what the escapes stand for must still reach the user.
import { execFileSync } from 'node:child_process'
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { CLI } from '../helpers/vigil-process'

const OUT = join(CLI, '..')

function scripts(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? scripts(join(dir, entry.name)) : entry.name.endsWith('.js') ? [join(dir, entry.name)] : []
  )
}

describe('the built main process', () => {
  it('holds only Latin-1 characters in its scripts', () => {
    const files = scripts(OUT)
    expect(files.length).toBeGreaterThan(3)
    const wide = files.filter((file) => /[\u0100-\uffff]/.test(readFileSync(file, 'utf8')))
    expect(wide).toEqual([])
  })

  it('still prints the characters the escapes stand for', () => {
    expect(execFileSync(process.execPath, [CLI, '--help'], { encoding: 'utf8' })).toMatch(/^Vigil \S+ — operations console/)
  })
})
