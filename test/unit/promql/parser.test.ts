// The trees the parser builds: precedence and associativity, literals, selectors and their
// time modifiers, aggregations, vector matching, calls and subqueries.

import { describe, expect, it } from 'vitest'
import { parseExpr, typeOf, type Expr } from '../../../src/main/prometheus/promql'
import { shape } from './shape'

const parse = (q: string): string => shape(parseExpr(q))
function as<K extends Expr['kind']>(expr: Expr, kind: K): Extract<Expr, { kind: K }> {
  expect(expr.kind).toBe(kind)
  return expr as Extract<Expr, { kind: K }>
}

describe('precedence and associativity', () => {
  it.each([
    ['-1 ^ 2', '(- (^ 1 2))'],
    ['-1^-2', '(- (^ 1 -2))'],
    ['2 ^ 3 ^ 2', '(^ 2 (^ 3 2))'],
    ['(2 ^ 3) ^ 2', '(^ (paren (^ 2 3)) 2)'],
    ['1 + 2 * 3', '(+ 1 (* 2 3))'],
    ['1 * 2 + 3', '(+ (* 1 2) 3)'],
    ['1 - 2 - 3', '(- (- 1 2) 3)'],
    ['1 / 2 % 3 atan2 4', '(atan2 (% (/ 1 2) 3) 4)'],
    ['-1 * 2', '(* -1 2)'],
    ['-a * b', '(* one-to-one() (- a) b)'],
    ['-a ^ b', '(- (^ one-to-one() a b))'],
    ['a ^ -b ^ c', '(^ one-to-one() a (- (^ one-to-one() b c)))'],
    ['+1 + -2 * 1', '(+ 1 (* -2 1))'],
    ['1 < bool 2 - 1 * 2', '(< bool 1 (- 2 (* 1 2)))'],
    ['a == b != c', '(!= one-to-one() (== one-to-one() a b) c)'],
    ['a or b and c unless d', '(or many-to-many() a (unless many-to-many() (and many-to-many() b c) d))'],
    ['a and b or c', '(or many-to-many() (and many-to-many() a b) c)'],
    ['a > b + c', '(> one-to-one() a (+ one-to-one() b c))'],
    ['- - 1', '1'],
    ['--a', '(- (- a))']
  ])('%s is %s', (query, tree) => {
    expect(parse(query)).toBe(tree)
  })

  it('binds offset, @ and ranges to the expression just before them', () => {
    expect(parse('a + b offset 5m')).toBe('(+ one-to-one() a b offset 5m)')
    expect(parse('-a offset 5m')).toBe('(- a offset 5m)')
    expect(parse('a ^ b @ 5')).toBe('(^ one-to-one() a b @ 5.000)')
    expect(parse('max_over_time(b[5m:])')).toBe('(max_over_time (subquery b 300000ms 0ms))')
    expect(parse('sum(a)[1h:1m] @ end()')).toBe('(subquery (sum by() a) 3600000ms 60000ms @end)')
  })
})

describe('literals', () => {
  it.each([
    ['1', 1], ['0x1F', 31], ['0755', 493], ['08', 8], ['1e3', 1000], ['5e-3', 0.005], ['.5', 0.5], ['5.', 5],
    ['Inf', Infinity], ['-Inf', -Infinity], ['+inf', Infinity], ['99999999999999999999', 1e20], ['1e-400', 0]
  ])('number %s is %d', (query, value) => {
    expect(as(parseExpr(query), 'NumberLiteral').value).toBe(value)
  })

  it('reads NaN in any case, and -0 as negative zero', () => {
    expect(as(parseExpr('nAn'), 'NumberLiteral').value).toBeNaN()
    expect(Object.is(as(parseExpr('-0'), 'NumberLiteral').value, -0)).toBe(true)
  })

  it('folds a sign into the number and starts the literal at the sign', () => {
    const n = as(parseExpr(' - 1'), 'NumberLiteral')
    expect(n).toEqual({ kind: 'NumberLiteral', value: -1, pos: { start: 1, end: 4 } })
  })

  it.each([
    ['"a\\"b"', 'a"b'],
    ["'a\\'b'", "a'b"],
    ['`a\\nb`', 'a\\nb'],
    ['"\\a\\b\\f\\n\\r\\t\\v\\\\"', '\x07\b\f\n\r\t\v\\'],
    ['"\\x41\\101\\u00e9\\U0001F600"', 'AAé😀'],
    ['"\\xc3\\xa9"', 'é'],
    ['"☺"', '☺'],
    ['`multi\nline`', 'multi\nline']
  ])('string %s', (query, value) => {
    expect(as(parseExpr(query), 'StringLiteral').value).toBe(value)
  })

  it('keeps a byte that is not UTF-8, so it prints back as Go prints it', () => {
    const s = as(parseExpr('"\\xff"'), 'StringLiteral')
    expect(s.value).toBe('\udcff')
  })
})

describe('vector selectors', () => {
  it('adds the metric name as the last matcher', () => {
    const vs = as(parseExpr('foo{a="b", c!~"d.*"}'), 'VectorSelector')
    expect(vs.name).toBe('foo')
    expect(vs.matchers.map(String)).toEqual(['a="b"', 'c!~"d.*"', '__name__="foo"'])
    expect(vs.pos).toEqual({ start: 0, end: 20 })
  })

  it('takes keywords as metric names where an expression starts', () => {
    for (const name of ['by', 'offset', 'and', 'sum', 'start', 'end', 'without', 'foo:bar'])
      expect(as(parseExpr(name), 'VectorSelector').name).toBe(name)
  })

  it('matches regexes anchored, and checks selectors select something', () => {
    const vs = as(parseExpr('{job=~"api|web"}'), 'VectorSelector')
    expect(vs.matchers[0]!.matches('api')).toBe(true)
    expect(vs.matchers[0]!.matches('apiserver')).toBe(false)
    expect(vs.matchers[0]!.matches('')).toBe(false)
  })

  it.each([
    ['foo offset 5m', 300_000, null, null],
    ['foo offset -1h30m', -5_400_000, null, null],
    ['foo @ 1603774568.5', 0, 1603774568500, null],
    ['foo @ -100', 0, -100_000, null],
    ['foo @ start()', 0, null, 'start'],
    ['foo @ end() offset 1m', 60_000, null, 'end'],
    ['foo offset 1m @ 10', 60_000, 10_000, null]
  ])('%s', (query, offset, timestamp, at) => {
    const vs = as(parseExpr(query), 'VectorSelector')
    expect([vs.offset, vs.timestamp, vs.atPreprocessor]).toEqual([offset, timestamp, at])
  })

  it('puts the modifiers of a range selector on its vector selector', () => {
    const m = as(parseExpr('foo[5m] @ 100 offset -1m'), 'MatrixSelector')
    const vs = as(m.vectorSelector, 'VectorSelector')
    expect([m.range, vs.offset, vs.timestamp]).toEqual([300_000, -60_000, 100_000])
    expect(m.pos).toEqual({ start: 0, end: 24 })
    expect(typeOf(m)).toBe('matrix')
  })
})

describe('durations', () => {
  it.each([
    ['x[1h30m]', 5_400_000], ['x[1500ms]', 1500], ['x[1m30ms]', 60_030], ['x[2w]', 1_209_600_000],
    ['x[1y]', 31_536_000_000], ['x[1d]', 86_400_000], ['x[ 5s ]', 5000], ['x[292y]', 292 * 31_536_000_000]
  ])('%s', (query, ms) => {
    expect(as(parseExpr(query), 'MatrixSelector').range).toBe(ms)
  })
})

describe('subqueries', () => {
  it.each([
    ['foo[10m:6s]', '(subquery foo 600000ms 6000ms)'],
    ['foo[10m:]', '(subquery foo 600000ms 0ms)'],
    ['rate(foo[1m])[5m:] offset 4m', '(subquery (rate (range foo 60000ms)) 300000ms 0ms offset 240000ms)'],
    ['(a + b)[5m:1m] @ 100', '(subquery (paren (+ one-to-one() a b)) 300000ms 60000ms @100000ms)']
  ])('%s', (query, tree) => {
    expect(parse(query)).toBe(tree)
  })

  it('takes only instant vectors', () => {
    expect(() => parseExpr('foo[5m:][10m:]')).toThrow('1:1: parse error: subquery is only allowed on instant vector, got matrix instead')
  })

  it('reads a letter inside brackets as the colon, as Prometheus does', () => {
    expect(parse('foo[5m x]')).toBe('(subquery foo 300000ms 0ms)')
  })
})

describe('aggregations', () => {
  const ops = ['sum', 'avg', 'count', 'min', 'max', 'group', 'stddev', 'stdvar']
  it.each(ops)('%s with its modifier before or after the argument', (op) => {
    expect(parse(`${op} by (a, b) (x)`)).toBe(`(${op} by(a,b) x)`)
    expect(parse(`${op}(x) without (a)`)).toBe(`(${op} without(a) x)`)
    expect(parse(`${op}(x)`)).toBe(`(${op} by() x)`)
  })

  it.each([
    ['topk(5, x)', '(topk by() 5 x)'],
    ['bottomk by (a) (3, x)', '(bottomk by(a) 3 x)'],
    ['quantile(0.9, x) without (le)', '(quantile without(le) 0.9 x)'],
    ['count_values("v", x)', '(count_values by() "v" x)'],
    ['SUM BY (Job) (x)', '(sum by(Job) x)'],
    ['sum without (and, by, on, offset, bool, sum, start, atan2) (x)', '(sum without(and,by,on,offset,bool,sum,start,atan2) x)']
  ])('%s', (query, tree) => {
    expect(parse(query)).toBe(tree)
  })

  it.each([
    ['topk(x, y)', '1:6: parse error: expected type scalar in aggregation parameter, got instant vector'],
    ['bottomk("a", y)', '1:9: parse error: expected type scalar in aggregation parameter, got string'],
    ['quantile(x, y)', '1:10: parse error: expected type scalar in aggregation parameter, got instant vector'],
    ['count_values(1, y)', '1:14: parse error: expected type string in aggregation parameter, got scalar'],
    ['sum(1)', '1:5: parse error: expected type instant vector in aggregation expression, got scalar'],
    ['avg(x[5m])', '1:5: parse error: expected type instant vector in aggregation expression, got range vector'],
    ['topk(1)', '1:1: parse error: wrong number of arguments for aggregate expression provided, expected 2, got 1'],
    ['max()', '1:1: parse error: no arguments for aggregate expression provided']
  ])('checks %s', (query, error) => {
    expect(() => parseExpr(query)).toThrow(error)
  })
})

describe('binary operators and vector matching', () => {
  it('keeps on/ignoring labels and the group side', () => {
    const b = as(parseExpr('a * on(x, y) group_left(z) b'), 'BinaryExpr')
    expect(b.matching).toEqual({ card: 'many-to-one', matchingLabels: ['x', 'y'], on: true, include: ['z'] })
    const r = as(parseExpr('a - ignoring(x) group_right b'), 'BinaryExpr')
    expect(r.matching).toEqual({ card: 'one-to-many', matchingLabels: ['x'], on: false, include: [] })
  })

  it('matches set operations many-to-many', () => {
    expect(as(parseExpr('a and b'), 'BinaryExpr').matching?.card).toBe('many-to-many')
  })

  it('has no vector matching when a side is a scalar', () => {
    expect(as(parseExpr('a + 1'), 'BinaryExpr').matching).toBeNull()
    expect(as(parseExpr('a > bool on() 1'), 'BinaryExpr').matching).toBeNull()
  })

  it('returns 0/1 with bool, and types scalar-scalar operations as scalar', () => {
    const b = as(parseExpr('1 > bool 2'), 'BinaryExpr')
    expect(b.returnBool).toBe(true)
    expect(typeOf(b)).toBe('scalar')
    expect(typeOf(parseExpr('a > 1'))).toBe('vector')
  })
})

describe('function calls', () => {
  it('resolves the function and types the call by it', () => {
    const c = as(parseExpr('scalar(x)'), 'Call')
    expect(c.func.name).toBe('scalar')
    expect(typeOf(c)).toBe('scalar')
    expect(typeOf(parseExpr('time()'))).toBe('scalar')
  })

  it.each([
    ['round(x)'], ['round(x, 10)'], ['hour()'], ['hour(x)'], ['label_join(x, "d", ",")'], ['label_join(x, "d", ",", "a", "b", "c")'],
    ['histogram_quantile(0.9, x)'], ['holt_winters(x[1h], 0.1, 0.5)'], ['predict_linear(x[1h], 60)'], ['clamp(x, 0, 1)'],
    ['absent_over_time(x[5m])'], ['present_over_time(x[5m])'], ['quantile_over_time(0.5, x[5m])'], ['vector(1)'], ['pi()']
  ])('accepts %s', (query) => {
    expect(() => parseExpr(query)).not.toThrow()
  })

  it.each([
    ['rate(x)', '1:6: parse error: expected type range vector in call to function "rate", got instant vector'],
    ['abs(x[5m])', '1:5: parse error: expected type instant vector in call to function "abs", got range vector'],
    ['vector(x)', '1:8: parse error: expected type scalar in call to function "vector", got instant vector'],
    ['label_replace(x, "a", "b", "c")', '1:1: parse error: expected 5 argument(s) in call to "label_replace", got 4'],
    ['label_join(x, "a")', '1:1: parse error: expected at least 3 argument(s) in call to "label_join", got 2'],
    ['round(x, 1, 2)', '1:1: parse error: expected at most 2 argument(s) in call to "round", got 3'],
    ['year(x, x)', '1:1: parse error: expected at most 1 argument(s) in call to "year", got 2'],
    ['time(1)', '1:1: parse error: expected 0 argument(s) in call to "time", got 1'],
    ['clamp_min(x)', '1:1: parse error: expected 2 argument(s) in call to "clamp_min", got 1'],
    ['info(x)', '1:1: parse error: unknown function with name "info"']
  ])('checks %s', (query, error) => {
    expect(() => parseExpr(query)).toThrow(error)
  })
})
