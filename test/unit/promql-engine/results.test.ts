import { describe, expect, it } from 'vitest'
import { queryInstant, queryRange } from '../../../src/main/prometheus/promql/engine'
import { preprocess } from '../../../src/main/prometheus/promql/engine/at-modifier'
import { childrenOf, planOf, type PlanNode } from '../../../src/main/prometheus/promql/engine/plan'
import { parseExpr } from '../../../src/main/prometheus/promql'
import { Labels } from '../../../src/main/prometheus/promql/kernels/values'
import { MINUTE, SECOND, pointsOf, sourceOf } from './helpers'

const source = sourceOf({ 'm{k="a"}': '1 2 3 4 5' })

describe('instant query results', () => {
  it('a vector stands at the evaluation time', async () => {
    expect(await queryInstant(source, 'm', 50 * SECOND)).toEqual({ type: 'vector', samples: [{ labels: Labels.fromRecord({ __name__: 'm', k: 'a' }), t: 50_000, v: 4 }] })
  })

  it('a scalar and a string carry the evaluation time', async () => {
    expect(await queryInstant(source, '1 + 2', 7)).toEqual({ type: 'scalar', t: 7, v: 3 })
    expect(await queryInstant(source, '"text"', 7)).toEqual({ type: 'string', t: 7, v: 'text' })
  })

  it('a range selector at the top answers a matrix of the raw samples, with their times', async () => {
    expect(pointsOf(await queryInstant(source, 'm[30s]', 45 * SECOND))).toEqual([['{__name__="m", k="a"}', [[15_000, 2], [30_000, 3], [45_000, 4]]]])
  })
})

describe('range query results', () => {
  it('a scalar expression becomes one series without labels', async () => {
    expect(pointsOf(await queryRange(source, '2 * 3', 0, MINUTE, 30 * SECOND))).toEqual([['{}', [[0, 6], [30_000, 6], [60_000, 6]]]])
  })

  it('a vector has a point at each step where it has a value', async () => {
    expect(pointsOf(await queryRange(source, 'm > 2', 0, MINUTE, 20 * SECOND))).toEqual([['{__name__="m", k="a"}', [[40_000, 3], [60_000, 5]]]])
  })
})

describe('step-invariant parts', () => {
  const wrapped = (query: string): string => describePlan(preprocess(planOf(parseExpr(query)), 0, MINUTE))

  it('are wrapped where nothing in them moves with the step', () => {
    expect(wrapped('m @ 10')).toBe('invariant(selector)')
    expect(wrapped('rate(m[1m] @ 10) + m')).toBe('binary(invariant(call(matrix(selector))), selector)')
    expect(wrapped('m @ start() - 1')).toBe('invariant(binary(selector, number))')
    expect(wrapped('sum(m)')).toBe('aggregate(selector)')
  })

  it('stop at functions of the evaluation time, wrapping their arguments instead', () => {
    expect(wrapped('timestamp(m @ 10)')).toBe('call(invariant(selector))')
    expect(wrapped('time()')).toBe('call()')
    expect(wrapped('pi()')).toBe('invariant(call())')
  })

  it('inside a subquery are wrapped, whether or not the subquery has an @', () => {
    expect(wrapped('max_over_time((m @ 10)[1m:10s])')).toBe('call(subquery(invariant(selector)))')
    expect(wrapped('max_over_time(m[1m:10s] @ end())')).toBe('invariant(call(subquery(selector)))')
  })

  it('exclude an aggregation parameter (never wrapped, its @ start()/end() never resolved)', () => {
    const plan = preprocess(planOf(parseExpr('topk(scalar(m @ end()), m)')), 0, MINUTE)
    expect(describePlan(plan)).toBe('aggregate(selector, call(selector))')
    const param = plan.kind === 'aggregate' && plan.param?.kind === 'call' ? plan.param.args[0] : undefined
    expect(param).toMatchObject({ kind: 'selector', timestamp: null, atPreprocessor: 'end' })
  })
})

/** The plan's shape: node kinds, children in parentheses. */
function describePlan(node: PlanNode): string {
  const children = childrenOf(node)
  return children.length === 0 && node.kind !== 'call' ? node.kind : `${node.kind}(${children.map(describePlan).join(', ')})`
}
