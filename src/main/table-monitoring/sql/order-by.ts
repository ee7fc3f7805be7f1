import { AppError } from '../../../shared/errors'
import { tokenizeSql, type Token } from './where-clause'

/** One validated ORDER BY item; the dialect renders it, the user's text is never spliced. */
export interface OrderItem {
  /** The column's exact dictionary name. */
  column: string
  direction: 'ASC' | 'DESC'
  /** Absent: the database default (both put NULLs last ascending, first descending). */
  nulls?: 'FIRST' | 'LAST'
}

/**
 * Finds the dictionary name a user means. A quoted name ("Mixed Case") must match exactly;
 * an unquoted one matches exactly if it can, else case-insensitively, as people type `id` for
 * Oracle's ID. A name that matches several columns only by case must be quoted.
 */
export function resolveColumn(name: string, knownColumns: readonly string[], field: string, quoted = false): string {
  if (knownColumns.includes(name)) return name
  const folded = name.toUpperCase()
  const matches = quoted ? [] : knownColumns.filter((known) => known.toUpperCase() === folded)
  if (matches.length === 1) return matches[0] as string
  if (matches.length > 1) throw AppError.invalidField(field, `'${name}' matches several columns (${matches.join(', ')}): quote the one you mean`)
  throw AppError.invalidField(field, `names an unknown column '${name}'`)
}

interface RawItem {
  name: string
  quoted: boolean
  direction: OrderItem['direction']
  nulls?: OrderItem['nulls']
}

const GRAMMAR = 'may only list columns, each optionally followed by ASC or DESC and NULLS FIRST or NULLS LAST'

/**
 * Checks an order_by such as `ID DESC, "Created" NULLS FIRST` against the table's columns and
 * returns it as data. Empty text gives []. A leading `ORDER BY` is accepted. Anything else
 * (positions, expressions, functions, unknown or repeated columns) is a validation AppError on
 * `order_by`.
 */
export function validateOrderBy(text: string | null | undefined, knownColumns: readonly string[]): OrderItem[] {
  const { tokens, problem } = tokenizeSql(text ?? '')
  if (problem) throw AppError.invalidField('order_by', problem.message)
  const items = parseItems(tokens)
  const seen = new Set<string>()
  return items.map(({ name, quoted, direction, nulls }) => {
    const column = resolveColumn(name, knownColumns, 'order_by', quoted)
    if (seen.has(column)) throw AppError.invalidField('order_by', `lists column '${column}' more than once`)
    seen.add(column)
    return nulls ? { column, direction, nulls } : { column, direction }
  })
}

function parseItems(tokens: Token[]): RawItem[] {
  let i = 0
  const word = (offset = 0): string | undefined => {
    const token = tokens[i + offset]
    return token?.kind === 'identifier' ? token.text.toUpperCase() : undefined
  }
  const refuse = (token: Token | undefined, expected: string): never => {
    const found = token ? `found '${token.text.length > 20 ? token.text.slice(0, 20) + '…' : token.text}' (at character ${token.start + 1})` : 'found the end of the text'
    throw AppError.invalidField('order_by', `${GRAMMAR}: expected ${expected}, ${found}`)
  }
  if (word() === 'ORDER' && word(1) === 'BY') i += 2
  const items: RawItem[] = []
  while (i < tokens.length) {
    const name = tokens[i]
    if (name?.kind !== 'identifier' && name?.kind !== 'quoted_identifier') return refuse(name, 'a column name')
    i++
    const item: RawItem = { name: name.name ?? name.text, quoted: name.kind === 'quoted_identifier', direction: 'ASC' }
    const direction = word()
    if (direction === 'ASC' || direction === 'DESC') {
      item.direction = direction
      i++
    }
    if (word() === 'NULLS') {
      i++
      const nulls = word()
      if (nulls !== 'FIRST' && nulls !== 'LAST') return refuse(tokens[i], 'FIRST or LAST after NULLS')
      item.nulls = nulls
      i++
    }
    items.push(item)
    if (i === tokens.length) break
    if (tokens[i]?.kind !== 'comma') return refuse(tokens[i], "',' or the end")
    i++
    if (i === tokens.length) return refuse(undefined, 'a column name after the comma')
  }
  return items
}
