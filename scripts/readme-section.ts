// The README's generated sections: text between a start and an end marker that a script renders
// (a unit test checks the README against it; `--write` rewrites the section).
import { readFileSync, writeFileSync } from 'node:fs'
import { resolve } from 'node:path'

const README = resolve(__dirname, '..', 'README.md')

/** A markdown table cell: its pipes escaped. */
export const tableCell = (text: string): string => text.replace(/\|/g, '\\|')

/** The section between the markers, markers included, or null when the README lacks it. */
export function readmeSectionBetween(readme: string, start: string, end: string): string | null {
  const from = readme.indexOf(start)
  const to = readme.indexOf(end)
  return from >= 0 && to > from ? readme.slice(from, to + end.length) : null
}

/** Replaces the README's section between the markers with `markdown` (which carries them). */
export function writeReadmeSection(start: string, end: string, markdown: string): void {
  const readme = readFileSync(README, 'utf8')
  const current = readmeSectionBetween(readme, start, end)
  if (!current) throw new Error(`README.md has no ${start} … ${end} section`)
  writeFileSync(README, readme.replace(current, markdown))
}
