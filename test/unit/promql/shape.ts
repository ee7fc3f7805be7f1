// A compact, position-free picture of a syntax tree for tests: `(+ 1 (* 2 3))`.

import type { Expr } from '../../../src/main/prometheus/promql'
import { printExpr } from '../../../src/main/prometheus/promql'

export function shape(expr: Expr): string {
  switch (expr.kind) {
    case 'NumberLiteral':
    case 'StringLiteral':
    case 'VectorSelector':
      return printExpr(expr)
    case 'MatrixSelector':
      return `(range ${shape(expr.vectorSelector)} ${expr.range}ms)`
    case 'SubqueryExpr':
      return `(subquery ${shape(expr.expr)} ${expr.range}ms ${expr.step}ms${modifiers(expr)})`
    case 'ParenExpr':
      return `(paren ${shape(expr.expr)})`
    case 'UnaryExpr':
      return `(${expr.op} ${shape(expr.expr)})`
    case 'BinaryExpr': {
      const m = expr.matching
      const matching = m ? ` ${m.card}${m.on ? ' on' : ''}(${m.matchingLabels.join(',')})${m.include.length ? ` include(${m.include.join(',')})` : ''}` : ''
      return `(${expr.op}${expr.returnBool ? ' bool' : ''}${matching} ${shape(expr.lhs)} ${shape(expr.rhs)})`
    }
    case 'AggregateExpr':
      return `(${expr.op}${expr.without ? ' without' : ' by'}(${expr.grouping.join(',')})${expr.param ? ' ' + shape(expr.param) : ''} ${shape(expr.expr)})`
    case 'Call':
      return `(${expr.func.name}${expr.args.map((a) => ' ' + shape(a)).join('')})`
  }
}

function modifiers(m: { offset: number; timestamp: number | null; atPreprocessor: string | null }): string {
  return (m.offset ? ` offset ${m.offset}ms` : '') + (m.timestamp !== null ? ` @${m.timestamp}ms` : '') + (m.atPreprocessor ? ` @${m.atPreprocessor}` : '')
}
