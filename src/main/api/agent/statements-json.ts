import type { StatementsSnapshot } from '../../../shared/pg-agent'

/** Marks a queryid's digits inside the JSON text; a NUL never occurs in PostgreSQL text. */
const MARK = '\u0000queryid:'
const MARKED = /"\\u0000queryid:(-?\d+)"/g

/**
 * The /statements answer as JSON, queryid written as the agent writes it: a JSON number with
 * every digit of the 64-bit hash (JSON.stringify can only write a JavaScript number, which
 * rounds past 2^53: …771600 for …771xxx). Python clients read it back exactly.
 */
export function statementsJson(snapshot: StatementsSnapshot): string {
  const text = JSON.stringify(snapshot, (key, value: unknown) =>
    key === 'queryid' && typeof value === 'string' && /^-?\d{1,20}$/.test(value) ? `${MARK}${value}` : value
  )
  // A marked value is only ever the whole of a string, so only queryids match (a query text is
  // escaped by JSON.stringify, and NUL cannot be in it anyway).
  return text.replace(MARKED, '$1')
}
