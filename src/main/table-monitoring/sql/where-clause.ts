import { AppError } from '../../../shared/errors'
import type { SqlDialect } from './dialect'

/**
 * A small SQL tokenizer for the fragments users type (where_clause, order_by). It knows where
 * strings, quoted names and comments begin and end, which is all the validators need: they
 * check what lies outside literals. It does not parse SQL; the database does that.
 */

export type TokenKind =
  | 'identifier'
  | 'quoted_identifier'
  | 'string'
  | 'number'
  | 'operator'
  | 'open_paren'
  | 'close_paren'
  | 'comma'
  | 'semicolon'
  | 'comment'
  | 'bind'

export interface Token {
  kind: TokenKind
  /** The source text of the token. */
  text: string
  /** Offset of the token's first character. */
  start: number
  /** Identifiers: the name (quoted ones unescaped, unquoted ones as written). */
  name?: string
}

export type ProblemReason =
  | 'semicolon'
  | 'comment'
  | 'bind_placeholder'
  | 'unterminated_string'
  | 'unterminated_identifier'
  | 'unexpected_character'
  | 'unbalanced_parentheses'
  | 'forbidden_keyword'
  | 'bare_select'

export interface SqlProblem {
  reason: ProblemReason
  /** Offset in the text, for the message and for an editor to point at. */
  position: number
  message: string
}

export interface Tokenized {
  /** The tokens read before `problem`, or all of them. */
  tokens: Token[]
  /** A lexical error that stopped the tokenizer. */
  problem?: SqlProblem
}

const WHITESPACE = /[ \t\r\n\f\v]/
const IDENT_START = /[\p{L}_]/u
const IDENT_PART = /[\p{L}\p{M}\p{N}_$#]/u
const DIGIT = /[0-9]/
const NUMBER = /(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?/y
const TWO_CHAR_OPERATORS = new Set(['<>', '!=', '^=', '<=', '>=', '||', '::', '=>'])
const OPERATOR_CHARS = new Set([...'=<>!^+-*/|%~&@#.[]:'])
/** Oracle alternative quoting q'[...]': the closing delimiter of each opening one. */
const Q_CLOSERS: Record<string, string> = { '[': ']', '(': ')', '{': '}', '<': '>' }

const at = (position: number): string => `(at character ${position + 1})`

/**
 * Tokenizes `text`; total on any input: a lexical error comes back as `problem`, never thrown.
 * With a dialect, only its prefixed literals are recognised (E'…' on PostgreSQL, q'[…]' on
 * Oracle): elsewhere `q'[x'` is a name and a plain string, and treating it as one literal would
 * call text "inside a string" that the database reads as SQL. Without one, both are.
 */
export function tokenizeSql(text: string, dialect?: SqlDialect['name']): Tokenized {
  const escapeStrings = dialect !== 'oracle'
  const alternativeQuoting = dialect !== 'postgres'
  const tokens: Token[] = []
  const push = (kind: TokenKind, start: number, end: number, name?: string): void => {
    tokens.push(name === undefined ? { kind, text: text.slice(start, end), start } : { kind, text: text.slice(start, end), start, name })
  }
  const stop = (reason: ProblemReason, position: number, message: string): Tokenized => ({ tokens, problem: { reason, position, message } })
  let i = 0
  while (i < text.length) {
    const ch = text[i] as string
    const next = text[i + 1] ?? ''
    const start = i
    if (WHITESPACE.test(ch)) {
      i++
    } else if (ch === "'") {
      const end = plainStringEnd(text, i)
      if (end < 0) return stop('unterminated_string', start, `has a string literal that is never closed ${at(start)}`)
      push('string', start, (i = end))
    } else if (ch === '"') {
      const end = quotedIdentifierEnd(text, i)
      if (end < 0) return stop('unterminated_identifier', start, `has a quoted name that is never closed ${at(start)}`)
      push('quoted_identifier', start, end, text.slice(start + 1, end - 1).replaceAll('""', '"'))
      i = end
    } else if (IDENT_START.test(ch)) {
      while (i < text.length && IDENT_PART.test(text[i] as string)) i++
      const word = text.slice(start, i)
      const escaped = escapeStrings && /^e$/i.test(word)
      if (text[i] === "'" && (escaped || (alternativeQuoting && /^n?q$/i.test(word)))) {
        // E'...' (PostgreSQL, backslash escapes) and q'[...]' (Oracle) end differently from
        // plain strings; reading them as plain would misjudge what lies outside the literal.
        const end = escaped ? escapeStringEnd(text, i) : alternativeQuoteEnd(text, i)
        if (end < 0) return stop('unterminated_string', start, `has a string literal that is never closed ${at(start)}`)
        push('string', start, (i = end))
      } else {
        push('identifier', start, i, word)
      }
    } else if (DIGIT.test(ch) || (ch === '.' && DIGIT.test(next))) {
      NUMBER.lastIndex = i
      NUMBER.exec(text)
      push('number', start, (i = NUMBER.lastIndex))
    } else if (ch === '(' || ch === ')' || ch === ',' || ch === ';') {
      push(ch === '(' ? 'open_paren' : ch === ')' ? 'close_paren' : ch === ',' ? 'comma' : 'semicolon', start, ++i)
    } else if ((ch === '-' && next === '-') || (ch === '/' && next === '*')) {
      // Comment scoping differs (PostgreSQL nests /* */); the validators refuse all comments,
      // so the rest of the text is one comment token.
      push('comment', start, (i = text.length))
    } else if (ch === '?' || (ch === '$' && DIGIT.test(next)) || (ch === ':' && next !== ':' && /[\p{L}\p{N}_"]/u.test(next))) {
      i++
      while (i < text.length && IDENT_PART.test(text[i] as string)) i++
      push('bind', start, i)
    } else if (ch === '$') {
      return stop('unexpected_character', start, `has a '$' outside a name ${at(start)}: dollar-quoted strings are not supported, use '…'`)
    } else if (OPERATOR_CHARS.has(ch)) {
      push('operator', start, (i += TWO_CHAR_OPERATORS.has(ch + next) ? 2 : 1))
    } else {
      const shown = ch.charCodeAt(0) < 0x20 || ch === '\x7f' ? `U+${ch.charCodeAt(0).toString(16).padStart(4, '0')}` : `'${ch}'`
      return stop('unexpected_character', start, `has an unexpected character ${shown} ${at(start)}`)
    }
  }
  return { tokens }
}

/** End (exclusive) of a '...' literal opening at `open`, with '' as the only escape; -1 if unclosed. */
function plainStringEnd(text: string, open: number): number {
  let i = open + 1
  for (;;) {
    const close = text.indexOf("'", i)
    if (close < 0) return -1
    if (text[close + 1] !== "'") return close + 1
    i = close + 2
  }
}

/** PostgreSQL E'...': a backslash escapes the next character, '' still escapes a quote. */
function escapeStringEnd(text: string, open: number): number {
  for (let i = open + 1; i < text.length; i++) {
    if (text[i] === '\\') i++
    else if (text[i] === "'") {
      if (text[i + 1] !== "'") return i + 1
      i++
    }
  }
  return -1
}

/** Oracle q'<d>...<d>': closed by the matching delimiter followed by a quote. */
function alternativeQuoteEnd(text: string, open: number): number {
  const delimiter = text[open + 1]
  if (delimiter === undefined || WHITESPACE.test(delimiter) || delimiter === "'") return -1
  const closing = (Q_CLOSERS[delimiter] ?? delimiter) + "'"
  const close = text.indexOf(closing, open + 2)
  return close < 0 ? -1 : close + 2
}

/** End (exclusive) of a "..." name opening at `open`, with "" as the escape; -1 if unclosed. */
function quotedIdentifierEnd(text: string, open: number): number {
  let i = open + 1
  for (;;) {
    const close = text.indexOf('"', i)
    if (close < 0) return -1
    if (text[close + 1] !== '"') return close + 1
    i = close + 2
  }
}

/**
 * Statement words that never belong in a row filter. Only unquoted words outside literals
 * count, so a column named "DELETE" is fine when quoted. SELECT is allowed inside parentheses,
 * for `IN (SELECT …)` and `EXISTS (SELECT …)`.
 */
const FORBIDDEN_KEYWORDS = new Set([
  'INSERT', 'UPDATE', 'DELETE', 'MERGE', 'UPSERT', 'DROP', 'ALTER', 'CREATE', 'GRANT', 'REVOKE', 'TRUNCATE',
  'EXECUTE', 'EXEC', 'CALL', 'BEGIN', 'DECLARE', 'COMMIT', 'ROLLBACK', 'SAVEPOINT', 'LOCK', 'COPY', 'INTO'
])

/**
 * Checks a where_clause and returns the condition to wrap in `WHERE (…)`: trimmed, without a
 * leading WHERE keyword; '' when the text is empty (no filter). Refuses, with a validation
 * AppError on `where_clause`, what could reach outside the parentheses or change what the
 * statement does: `;`, comments, unbalanced parentheses, unclosed literals, bind placeholders
 * (`:x`, `$1`, `?` — which also rules out PostgreSQL's jsonb `?` operators; use
 * jsonb_exists()) and statement keywords.
 *
 * This is a first filter with clear messages, not the last word: the caller runs the built
 * query with `AND 1 = 0` (buildProbeQuery) before saving, so the database's own parser judges
 * the rest, and snapshots run read-only with a time limit. Plain '…' literals follow the SQL
 * standard (only '' escapes); a PostgreSQL session must keep standard_conforming_strings on
 * (the default since 9.1) for backslashes to read the same way there.
 */
export function validateWhereClause(text: string | null | undefined, dialect?: SqlDialect['name']): string {
  const checked = checkWhereClause(text ?? '', dialect)
  if (!checked.ok) throw AppError.invalidField('where_clause', checked.problem.message)
  return checked.condition
}

export type WhereCheck = { ok: true; condition: string } | { ok: false; problem: SqlProblem }

/** validateWhereClause without the throw: the reason comes back as data, for forms and tests. */
export function checkWhereClause(text: string, dialect?: SqlDialect['name']): WhereCheck {
  const { tokens, problem: lexical } = tokenizeSql(text, dialect)
  // Report the first problem in the text; an early stop leaves parentheses open, so balance
  // is only judged on complete input.
  const problem = firstProblem(tokens, lexical === undefined) ?? lexical
  if (problem) return { ok: false, problem }
  const first = tokens[0]
  const startsWithWhere = first?.kind === 'identifier' && first.text.toUpperCase() === 'WHERE'
  const body = startsWithWhere ? tokens.slice(1) : tokens
  const from = body[0]?.start ?? text.length
  return { ok: true, condition: text.slice(from).trim() }
}

function firstProblem(tokens: Token[], complete: boolean): SqlProblem | undefined {
  let depth = 0
  const openings: number[] = []
  for (const token of tokens) {
    const { kind, start } = token
    if (kind === 'semicolon') return { reason: 'semicolon', position: start, message: `must not contain ';' ${at(start)}: write one condition` }
    if (kind === 'comment') return { reason: 'comment', position: start, message: `must not contain comments (${token.text.slice(0, 2)}) ${at(start)}` }
    if (kind === 'bind') {
      return { reason: 'bind_placeholder', position: start, message: `must not contain bind placeholders such as ${token.text} ${at(start)}: write the value itself` }
    }
    if (kind === 'open_paren') {
      depth++
      openings.push(start)
    } else if (kind === 'close_paren') {
      if (depth === 0) return { reason: 'unbalanced_parentheses', position: start, message: `has a ')' without a matching '(' ${at(start)}` }
      depth--
      openings.pop()
    } else if (kind === 'identifier') {
      const word = token.text.toUpperCase()
      if (FORBIDDEN_KEYWORDS.has(word)) {
        return {
          reason: 'forbidden_keyword',
          position: start,
          message: `must not contain the keyword ${word} ${at(start)}: write a condition (quote a column of that name, e.g. "${word}")`
        }
      }
      if (word === 'SELECT' && depth === 0) {
        return { reason: 'bare_select', position: start, message: `may use SELECT only in a parenthesised subquery, e.g. ID IN (SELECT …) ${at(start)}` }
      }
    }
  }
  const unclosed = openings.at(-1)
  if (complete && unclosed !== undefined) return { reason: 'unbalanced_parentheses', position: unclosed, message: `has a '(' that is never closed ${at(unclosed)}` }
  return undefined
}
