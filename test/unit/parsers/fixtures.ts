import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

/** test/fixtures: raw command outputs, one per file (sources in test/fixtures/README.md). */
export const FIXTURES_DIR = fileURLToPath(new URL('../../fixtures/', import.meta.url))

export function readFixture(name: string): string {
  return readFileSync(join(FIXTURES_DIR, name), 'utf8')
}

export function fixtureNames(): string[] {
  return readdirSync(FIXTURES_DIR)
    .filter((name) => name.endsWith('.txt'))
    .sort()
}

/** Unwraps a successful parse, failing the test with the parser's error, or a line it rejected, otherwise. */
export function rowsOf<T>(parsed: { ok: true; rows: T[]; rejected?: string[] } | { ok: false; error: string }): T[] {
  if (!parsed.ok) throw new Error(`expected rows, got error: ${parsed.error}`)
  if (parsed.rejected?.length) throw new Error(`expected every line read, got: ${parsed.rejected.join('; ')}`)
  return parsed.rows
}

/** Splits text at the given offsets (any order, duplicates allowed) into consecutive chunks. */
export function chunksAt(text: string, offsets: readonly number[]): string[] {
  const cuts = [...new Set(offsets.map((offset) => Math.min(Math.max(offset, 0), text.length)))].sort((a, b) => a - b)
  const chunks: string[] = []
  let from = 0
  for (const cut of cuts) {
    chunks.push(text.slice(from, cut))
    from = cut
  }
  chunks.push(text.slice(from))
  return chunks
}
