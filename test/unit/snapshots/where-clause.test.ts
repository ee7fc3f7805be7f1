import { describe, expect, it } from 'vitest'
import { checkWhereClause, tokenizeSql, validateWhereClause, type ProblemReason } from '../../../src/main/table-monitoring/sql/where-clause'
import { AppError } from '../../../src/shared/errors'

describe('tokenizeSql', () => {
  const kinds = (text: string, dialect?: 'oracle' | 'postgres'): string[] => tokenizeSql(text, dialect).tokens.map((token) => `${token.kind} ${token.text}`)

  it('reads identifiers, quoted names, literals, numbers, operators and parentheses', () => {
    expect(kinds(`"Mixed ""Q"" Name" >= 1.5e3 AND x IN ('a''b', .5) OR y::date <> z`)).toEqual([
      'quoted_identifier "Mixed ""Q"" Name"',
      'operator >=',
      'number 1.5e3',
      'identifier AND',
      'identifier x',
      'identifier IN',
      'open_paren (',
      "string 'a''b'",
      'comma ,',
      'number .5',
      'close_paren )',
      'identifier OR',
      'identifier y',
      'operator ::',
      'identifier date',
      'operator <>',
      'identifier z'
    ])
    expect(tokenizeSql('"a""b"').tokens[0]?.name).toBe('a"b')
  })

  it("reads PostgreSQL E'…' and Oracle q'[…]' literals to their real end", () => {
    expect(kinds(String.raw`E'it\'s' = q'[it's]' || nq'!x!'`)).toEqual([String.raw`string E'it\'s'`, 'operator =', "string q'[it's]'", 'operator ||', "string nq'!x!'"])
    expect(kinds(`N'abc' || U&'d'`)).toEqual(['identifier N', "string 'abc'", 'operator ||', 'identifier U', 'operator &', "string 'd'"])
  })

  it("recognises only the dialect's own prefixed literals when told the dialect", () => {
    // On PostgreSQL q'[x' is a name and a string: the -- after it is a live comment.
    expect(kinds("q'[x' -- ]'")).toEqual(["string q'[x' -- ]'"])
    expect(kinds("q'[x' -- ]'", 'postgres')).toEqual(['identifier q', "string '[x'", "comment -- ]'"])
    // On Oracle E'\' is a name and the string '\': what follows is outside it.
    expect(kinds(String.raw`E'\' -- '`, 'oracle')).toEqual(['identifier E', String.raw`string '\'`, "comment -- '"])
    expect(kinds(String.raw`E'\' -- '`, 'postgres')).toEqual([String.raw`string E'\' -- '`])
  })

  it('marks binds, semicolons and comments for the validators', () => {
    expect(kinds('a = :id AND b = $1 AND c = ? ;')).toEqual([
      'identifier a', 'operator =', 'bind :id', 'identifier AND', 'identifier b', 'operator =', 'bind $1',
      'identifier AND', 'identifier c', 'operator =', 'bind ?', 'semicolon ;'
    ])
    expect(kinds('a -- rest\nb')).toEqual(['identifier a', 'comment -- rest\nb'])
  })

  it('is total: a lexical error comes back with the tokens read so far', () => {
    expect(tokenizeSql("a = 'open")).toMatchObject({ tokens: [{ text: 'a' }, { text: '=' }], problem: { reason: 'unterminated_string', position: 4 } })
    expect(tokenizeSql('a ` b').problem).toMatchObject({ reason: 'unexpected_character', position: 2 })
    expect(tokenizeSql('').tokens).toEqual([])
  })
})

describe('validateWhereClause', () => {
  it.each([
    ['', ''],
    ['   \n ', ''],
    ['CREATED_DATE > SYSDATE - 1', 'CREATED_DATE > SYSDATE - 1'],
    ['  WHERE status = 1  ', 'status = 1'],
    ["note = 'a; b -- c /* d */'", "note = 'a; b -- c /* d */'"],
    ["note = 'it''s'", "note = 'it''s'"],
    ['"Mixed Col" IS NOT NULL', '"Mixed Col" IS NOT NULL'],
    ['"DELETE" = 1 AND "select" = 2', '"DELETE" = 1 AND "select" = 2'],
    ["note = 'DELETE FROM t; DROP TABLE x'", "note = 'DELETE FROM t; DROP TABLE x'"],
    ['id IN (SELECT id FROM hr.active_users WHERE flag = 1)', 'id IN (SELECT id FROM hr.active_users WHERE flag = 1)'],
    ['EXISTS (SELECT 1 FROM t2 WHERE t2.id = t.id)', 'EXISTS (SELECT 1 FROM t2 WHERE t2.id = t.id)'],
    ["created::date = current_date AND tags @> '{a}'", "created::date = current_date AND tags @> '{a}'"],
    ["d > DATE '2024-01-01' AND x BETWEEN -1 AND 1.5", "d > DATE '2024-01-01' AND x BETWEEN -1 AND 1.5"],
    [String.raw`s = E'a\';b'`, String.raw`s = E'a\';b'`],
    ["s = q'[it's; here]'", "s = q'[it's; here]'"],
    ['UPDATED_AT > SYSDATE - 1 AND SYS$X# = 2', 'UPDATED_AT > SYSDATE - 1 AND SYS$X# = 2']
  ])('accepts %j', (text, condition) => {
    expect(validateWhereClause(text)).toBe(condition)
  })

  it('judges literals by the dialect the query will run on', () => {
    expect(checkWhereClause("s = q'[x' -- ]'", 'oracle')).toEqual({ ok: true, condition: "s = q'[x' -- ]'" })
    expect(checkWhereClause("s = q'[x' -- ]'", 'postgres')).toMatchObject({ ok: false, problem: { reason: 'comment', position: 10 } })
    expect(checkWhereClause(String.raw`s = E'\';x'`, 'oracle')).toMatchObject({ ok: false, problem: { reason: 'semicolon', position: 8 } })
  })

  it('treats null and undefined as no filter', () => {
    expect(validateWhereClause(null)).toBe('')
    expect(validateWhereClause(undefined)).toBe('')
  })

  it.each<[string, ProblemReason, number]>([
    ['a = 1; DROP TABLE t', 'semicolon', 5],
    ['a = 1;', 'semicolon', 5],
    ['a = 1 -- and the rest', 'comment', 6],
    ['a = 1 /* hint */', 'comment', 6],
    ['a = 1 /*+ FULL(t) */', 'comment', 6],
    ['(a = 1', 'unbalanced_parentheses', 0],
    ['a = 1) OR (1 = 1', 'unbalanced_parentheses', 5],
    ['((a)', 'unbalanced_parentheses', 0],
    ["a = 'open", 'unterminated_string', 4],
    ["a = 'it''s", 'unterminated_string', 4],
    [String.raw`a = E'\'`, 'unterminated_string', 4],
    ["a = q'[x'", 'unterminated_string', 4],
    ['"open = 1', 'unterminated_identifier', 0],
    ['id = :id', 'bind_placeholder', 5],
    ['id = :1', 'bind_placeholder', 5],
    ['id = $1', 'bind_placeholder', 5],
    ['id = ?', 'bind_placeholder', 5],
    ["doc ? 'key'", 'bind_placeholder', 4],
    ['a = $$x$$', 'unexpected_character', 4],
    ['a = `b`', 'unexpected_character', 4],
    ['a = 1 \\ b', 'unexpected_character', 6],
    ['a = 1\0', 'unexpected_character', 5],
    ['1 = 1 UNION SELECT * FROM dba_users', 'bare_select', 12],
    ['SELECT 1', 'bare_select', 0],
    ['id IN (DELETE FROM t RETURNING id)', 'forbidden_keyword', 7],
    ['id = 1 FOR UPDATE', 'forbidden_keyword', 11],
    ['x IN (SELECT a INTO b FROM c)', 'forbidden_keyword', 15],
    ['drop = 1', 'forbidden_keyword', 0],
    ['1 = 1 OR (insert_count > 0 AND TRUNCATE(x) > 1)', 'forbidden_keyword', 31],
    ['a = 1 AND BEGIN', 'forbidden_keyword', 10],
    ['EXECUTE IMMEDIATE', 'forbidden_keyword', 0],
    ['a = (1 ; ) ', 'semicolon', 7]
  ])('refuses %j (%s at %d)', (text, reason, position) => {
    const checked = checkWhereClause(text)
    expect(checked).toMatchObject({ ok: false, problem: { reason, position } })
    let thrown: unknown
    try {
      validateWhereClause(text)
    } catch (error) {
      thrown = error
    }
    expect(thrown).toBeInstanceOf(AppError)
    expect(thrown).toMatchObject({ code: 'validation', field: 'where_clause' })
    expect((thrown as AppError).message).toContain(`(at character ${position + 1})`)
  })

  it('says what is wrong in words a user can act on', () => {
    const message = (text: string): string => (checkWhereClause(text) as { problem: { message: string } }).problem.message
    expect(message('a = 1; b')).toBe("must not contain ';' (at character 6): write one condition")
    expect(message('a = :x')).toBe('must not contain bind placeholders such as :x (at character 5): write the value itself')
    expect(message('delete = 1')).toBe('must not contain the keyword DELETE (at character 1): write a condition (quote a column of that name, e.g. "DELETE")')
    expect(message('(a')).toBe("has a '(' that is never closed (at character 1)")
    expect(message("(a = 'x")).toBe('has a string literal that is never closed (at character 6)')
  })
})
