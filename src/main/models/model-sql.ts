// A model's SQL as written: its {{ ref('name') }} dependencies, the SQL SQLite runs (each ref
// a quoted name), and where in the text SQLite's complaint points. Pure, so tested alone.
import { MODEL_NAME_PATTERN, RESERVED_MODEL_PREFIXES, type ErrorPosition } from '../../shared/models'

const NAME = new RegExp(MODEL_NAME_PATTERN)
/** `{{ ref('name') }}` or `{{ ref("name") }}`, spaces anywhere a template allows them. */
const REF = /\{\{\s*ref\s*\(\s*(['"])([^'"]*)\1\s*\)\s*\}\}/g
const TEMPLATE = /\{\{[\s\S]*?\}\}/g

/** Why `name` cannot name a model, or null when it can. */
export function modelNameProblem(name: string): string | null {
  if (!NAME.test(name)) return `'${name}' is not a model name: lowercase letters, digits and _, starting with a letter or _, at most 63 characters`
  const reserved = RESERVED_MODEL_PREFIXES.find((prefix) => name.startsWith(prefix))
  if (reserved) return `'${name}' is not a model name: names starting with '${reserved}' are Vigil's or SQLite's own`
  return null
}

/** The models `sql` refers to, in order of first mention, once each. */
export function parseRefs(sql: string): string[] {
  const refs: string[] = []
  for (const match of sql.matchAll(REF)) {
    const name = match[2] as string
    if (!refs.includes(name)) refs.push(name)
  }
  return refs
}

/** What is wrong with the model's text before it ever runs (templates, refs, statement kind), or null. */
export function sqlProblem(sql: string): string | null {
  for (const match of sql.matchAll(TEMPLATE)) {
    REF.lastIndex = 0
    if (!new RegExp(`^${REF.source}$`).test(match[0])) return `Unknown template expression ${match[0]}: only {{ ref('model_name') }} is understood`
  }
  for (const ref of parseRefs(sql)) {
    const problem = modelNameProblem(ref)
    if (problem) return `ref(): ${problem}`
  }
  const body = stripLeadingComments(sql)
  if (!/^(select|with|values)\b/i.test(body)) {
    return 'A model is one SELECT (or WITH … SELECT, or VALUES): it only reads — Vigil’s store is never open to it for writing'
  }
  return null
}

/** The SQL SQLite runs: each ref a quoted name (views live in temp, tables in main: both found unqualified). */
export function compileSql(sql: string): string {
  return trimStatement(sql.replace(REF, (_all, _quote, name: string) => `"${name}"`))
}

/** A trailing semicolon (and the blanks around it) is not a second statement. */
export function trimStatement(sql: string): string {
  return sql.replace(/[\s;]+$/, '').replace(/^\s+/, '')
}

function stripLeadingComments(sql: string): string {
  let text = sql.trimStart()
  for (;;) {
    if (text.startsWith('--')) {
      const end = text.indexOf('\n')
      text = end < 0 ? '' : text.slice(end + 1).trimStart()
    } else if (text.startsWith('/*')) {
      const end = text.indexOf('*/')
      text = end < 0 ? '' : text.slice(end + 2).trimStart()
    } else return text
  }
}

/**
 * Where in the model's text SQLite's message points: SQLite names the token (`near "FORM":
 * syntax error`) or the missing name (`no such column: cpu`), not an offset (better-sqlite3 does
 * not expose sqlite3_error_offset), so the first place that token stands is taken. Null when the
 * message names nothing found in the text.
 */
export function errorPosition(sql: string, message: string): ErrorPosition | null {
  const token =
    /near "([^"]+)"/.exec(message)?.[1] ??
    /no such (?:column|table|function|module|collation sequence): (?:[\w]+\.)?([\w]+)/.exec(message)?.[1] ??
    /ambiguous column name: (?:[\w]+\.)?([\w]+)/.exec(message)?.[1] ??
    null
  if (token === null) return null
  const at = findToken(sql, token)
  if (at < 0) return null
  const before = sql.slice(0, at)
  const line = before.split('\n').length
  return { line, column: at - before.lastIndexOf('\n') }
}

/** The first occurrence of `token` as a whole word (case-insensitive, as SQL is), or -1. */
function findToken(sql: string, token: string): number {
  const escaped = token.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
  const word = /^\w/.test(token) && /\w$/.test(token) ? new RegExp(`(?<![\\w])${escaped}(?![\\w])`, 'i') : new RegExp(escaped, 'i')
  return word.exec(sql)?.index ?? -1
}
