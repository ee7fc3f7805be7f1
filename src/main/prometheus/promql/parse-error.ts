// The error a query that does not parse or type-check gets, worded as Prometheus 2.42 words it:
// "<line>:<column>: parse error: <message>", the column counted in bytes from 1.

import type { PositionRange } from './ast'
import { utf8Length } from './go-format'

export class ParseError extends Error {
  constructor(
    /** Where in the query (UTF-16 offsets) the error lies. */
    readonly positionRange: PositionRange,
    /** The message without the position prefix. */
    readonly detail: string,
    readonly query: string
  ) {
    super(`${formatPosition(query, positionRange.start)} parse error: ${detail}`)
    this.name = 'ParseError'
  }

  /** Line and column (1-based, column in bytes) of the error, as the message shows them. */
  get lineColumn(): { line: number; column: number } | null {
    return lineColumn(this.query, this.positionRange.start)
  }
}

function lineColumn(query: string, pos: number): { line: number; column: number } | null {
  if (pos < 0 || pos > query.length) return null
  const before = query.slice(0, pos)
  let line = 1
  for (let i = before.indexOf('\n'); i >= 0; i = before.indexOf('\n', i + 1)) line++
  const lineStart = before.lastIndexOf('\n') + 1
  return { line, column: utf8Length(before.slice(lineStart)) + 1 }
}

function formatPosition(query: string, pos: number): string {
  const at = lineColumn(query, pos)
  return at ? `${at.line}:${at.column}:` : 'invalid position:'
}
