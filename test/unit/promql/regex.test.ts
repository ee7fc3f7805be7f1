// RE2 semantics for =~ and !~ (and label_replace), checked against what Prometheus 2.42
// matches: anchoring, RE2's classes and flags, case folding, and what RE2 refuses.

import { describe, expect, it } from 'vitest'
import { RegexSyntaxError, compileAnchoredRegex, compileRe2 } from '../../../src/main/prometheus/promql'

const matches = (pattern: string, value: string): boolean => compileAnchoredRegex(pattern).test(value)

describe('RE2 regexes as Prometheus matches them', () => {
  it.each([
    // Anchored at both ends, alternation inside the anchors.
    ['a|b', 'a', true], ['a|b', 'ab', false], ['foo|', '', true], ['api.*', 'apiserver', true], ['api', 'apiserver', false],
    // `.` is any character but \n unless (?s).
    ['a.b', 'a\nb', false], ['(?s)a.b', 'a\nb', true], ['a.b', 'a\rb', true], ['.', '😀', true],
    // ^ and $ are the text's ends unless (?m).
    ['(?m)a$\\n^b', 'a\nb', true], ['a$\\n^b', 'a\nb', false],
    // ASCII \d \w \s \b, POSIX classes.
    ['\\d+', '12', true], ['\\d', '١', false], ['\\w+', 'aZ_9', true], ['\\w', 'é', false], ['\\s', '\t', true], ['\\s', '\v', false],
    ['\\s', '\u00a0', false], ['\\S+', 'ab', true], ['.*\\bb\\b.*', 'a b', true], ['x\\By', 'xy', true], ['[[:alpha:]]+', 'ab', true],
    ['[[:^alpha:]]+', '12', true],
    // Unicode classes.
    ['\\pL+', 'éa', true], ['\\p{Greek}+', 'αβγ', true], ['\\PL+', '12', true], ['\\p{^Greek}+', 'ab', true], ['\\p{Han}+', '中文', true],
    // Case folding, scoped and not, with RE2's orbits (k K U+212A; s S U+017F).
    ['(?i)abc', 'aBc', true], ['(?i)k', '\u212a', true], ['(?i)s', 'ſ', true], ['(?i)[a-z]+', 'ABC', true], ['(?i)[^k]', 'K', false],
    ['(?i)\\w', 'ſ', true], ['(?i)é', 'É', true], ['(?i)straße', 'STRASSE', false], ['(?i:a)b', 'Ab', true], ['(?i:a)b', 'AB', false],
    ['(?i)a(?-i)b', 'Ab', true], ['(?i)a(?-i)b', 'AB', false], ['(?i)ǅ', 'ǆ', true],
    // Escapes.
    ['\\x41', 'A', true], ['\\x{263a}', '☺', true], ['\\101', 'A', true], ['\\Qa.b\\E', 'a.b', true], ['\\Qa.b\\E', 'axb', false],
    ['\\.', '.', true], ['a\\-b', 'a-b', true],
    // Repetition, greedy or not (both match the whole anchored value).
    ['a{2,3}', 'aaa', true], ['a{2,3}', 'aaaa', false], ['(ab)+', 'abab', true], ['(?U)a+', 'aaa', true], ['a+?', 'aa', true],
    // Classes with ] and - as literals, and negation that includes \n.
    ['[]a]+', ']a', true], ['[^]a]+', 'b', true], ['[a-]+', 'a-', true], ['[^a]', '\n', true], ['[^\\n]+', 'ab', true]
  ])('%j against %j is %s', (pattern, value, expected) => {
    expect(matches(pattern, value)).toBe(expected)
  })

  it('keeps capture groups and their names for label_replace', () => {
    const { regex, captureNames } = compileRe2('^(?:(?P<host>[^:]+):(\\d+))$')
    expect(captureNames).toEqual(['host', ''])
    expect(regex.exec('db:5432')?.slice(1)).toEqual(['db', '5432'])
  })

  it.each([
    ['(', 'missing closing ): `^(?:()$`'],
    ['a)', 'unexpected ): `^(?:a))$`'],
    ['a)|(b', 'unexpected ): `a)|(b`'],
    ['[a', 'missing closing ]: `[a)$`'],
    ['(?=a)', 'invalid or unsupported Perl syntax: `(?=`'],
    ['(?!a)', 'invalid or unsupported Perl syntax: `(?!`'],
    ['(?<=a)', 'invalid or unsupported Perl syntax: `(?<`'],
    ['(?<name>a)', 'invalid or unsupported Perl syntax: `(?<`'],
    ['(?P=n)', 'invalid or unsupported Perl syntax: `(?P`'],
    ['(?P<a-b>x)', 'invalid named capture: `(?P<a-b>`'],
    ['a**', 'invalid nested repetition operator: `**`'],
    ['a*??', 'invalid nested repetition operator: `*??`'],
    ['a{2}{3}', 'invalid nested repetition operator: `{2}{3}`'],
    ['a++', 'invalid nested repetition operator: `++`'],
    ['*', 'missing argument to repetition operator: `*`'],
    ['a|*', 'missing argument to repetition operator: `*`'],
    ['a{1001}', 'invalid repeat count: `{1001}`'],
    ['x{2,1}', 'invalid repeat count: `{2,1}`'],
    ['(a{500}){3}', 'invalid repeat count: `{3}`'],
    ['\\1', 'invalid escape sequence: `\\1`'],
    ['\\8', 'invalid escape sequence: `\\8`'],
    ['\\Z', 'invalid escape sequence: `\\Z`'],
    ['\\C', 'invalid escape sequence: `\\C`'],
    ['\\x{110000}', 'invalid escape sequence: `\\x{110000`'],
    ['\\', 'missing closing ): `^(?:\\)$`'],
    ['[z-a]', 'invalid character class range: `z-a`'],
    ['[[:foo:]]', 'invalid character class range: `[:foo:]`'],
    ['\\pX', 'invalid character class range: `\\pX`'],
    ['\\p{Foo}', 'invalid character class range: `\\p{Foo}`'],
    ['\\p{Grek}', 'invalid character class range: `\\p{Grek}`']
  ])('refuses %j as Go does', (pattern, message) => {
    let error: unknown
    try {
      compileAnchoredRegex(pattern)
    } catch (e) {
      error = e
    }
    expect(error).toBeInstanceOf(RegexSyntaxError)
    expect((error as Error).message).toBe(`error parsing regexp: ${message}`)
  })
})
