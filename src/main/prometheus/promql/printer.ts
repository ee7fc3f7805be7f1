// Expressions printed as Prometheus 2.42 prints them: printExpr is its String() (used in
// messages that quote an expression), prettyExpr its Pretty() (what format_query returns:
// the same text, split over indented lines where a node's text passes 100 characters).

import type { AggregateExpr, BinaryExpr, Expr, TimeModifiers, VectorSelector } from './ast'
import { goFormatFixed, goFormatFloat, goQuote, utf8Length } from './go-format'

const DURATION_UNITS: Array<[unit: string, ms: number, onlyIfExact: boolean]> = [
  ['y', 365 * 86_400_000, true],
  ['w', 7 * 86_400_000, true],
  ['d', 86_400_000, false],
  ['h', 3_600_000, false],
  ['m', 60_000, false],
  ['s', 1000, false],
  ['ms', 1, false]
]

/** A duration in milliseconds as Prometheus writes it: 1h30m, 90d, 2w, 500ms, 0s. */
export function formatDuration(ms: number): string {
  if (ms === 0) return '0s'
  let rest = Math.trunc(ms)
  let out = ''
  for (const [unit, size, onlyIfExact] of DURATION_UNITS) {
    // Years and weeks only when they divide evenly: 90d reads better than 12w6d.
    if (onlyIfExact && rest % size !== 0) continue
    const count = Math.trunc(rest / size)
    if (count > 0) {
      out += `${count}${unit}`
      rest -= count * size
    }
  }
  return out
}

function atSuffix(m: TimeModifiers): string {
  if (m.timestamp !== null) return ` @ ${goFormatFixed(m.timestamp / 1000, 3)}`
  if (m.atPreprocessor !== null) return ` @ ${m.atPreprocessor}()`
  return ''
}

function offsetSuffix(m: TimeModifiers): string {
  if (m.offset > 0) return ` offset ${formatDuration(m.offset)}`
  if (m.offset < 0) return ` offset -${formatDuration(-m.offset)}`
  return ''
}

/** Go's sort.Strings order: by bytes of UTF-8, which is code point order. */
function compareCodePoints(a: string, b: string): number {
  const x = Array.from(a, (c) => c.codePointAt(0)!)
  const y = Array.from(b, (c) => c.codePointAt(0)!)
  for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i]! - y[i]!
  return x.length - y.length
}

function printSelector(vs: VectorSelector, withModifiers: boolean): string {
  // The name's own matcher is implied by the name; every other matcher is printed, sorted.
  const labels = vs.matchers
    .filter((m) => !(m.name === '__name__' && m.type === '=' && m.value === vs.name))
    .map(String)
    .sort(compareCodePoints)
  const modifiers = withModifiers ? atSuffix(vs) + offsetSuffix(vs) : ''
  return labels.length === 0 ? vs.name + modifiers : `${vs.name}{${labels.join(',')}}${modifiers}`
}

function aggregateHead(a: AggregateExpr): string {
  if (a.without) return `${a.op} without (${a.grouping.join(', ')}) `
  if (a.grouping.length > 0) return `${a.op} by (${a.grouping.join(', ')}) `
  return a.op
}

function matchingText(b: BinaryExpr): string {
  const m = b.matching
  if (!m || (m.matchingLabels.length === 0 && !m.on)) return ''
  let text = ` ${m.on ? 'on' : 'ignoring'} (${m.matchingLabels.join(', ')})`
  if (m.card === 'many-to-one' || m.card === 'one-to-many') {
    text += ` group_${m.card === 'many-to-one' ? 'left' : 'right'} (${m.include.join(', ')})`
  }
  return text
}

function operatorText(b: BinaryExpr): string {
  return `${b.op}${b.returnBool ? ' bool' : ''}${matchingText(b)}`
}

function subquerySuffix(s: Extract<Expr, { kind: 'SubqueryExpr' }>): string {
  const step = s.step !== 0 ? formatDuration(s.step) : ''
  return `[${formatDuration(s.range)}:${step}]${atSuffix(s)}${offsetSuffix(s)}`
}

/** The expression as Prometheus's String() writes it. */
export function printExpr(expr: Expr): string {
  switch (expr.kind) {
    case 'NumberLiteral':
      return goFormatFloat(expr.value)
    case 'StringLiteral':
      return goQuote(expr.value)
    case 'VectorSelector':
      return printSelector(expr, true)
    case 'MatrixSelector': {
      const vs = expr.vectorSelector
      if (vs.kind !== 'VectorSelector') return `${printExpr(vs)}[${formatDuration(expr.range)}]`
      return `${printSelector(vs, false)}[${formatDuration(expr.range)}]${atSuffix(vs)}${offsetSuffix(vs)}`
    }
    case 'SubqueryExpr':
      return printExpr(expr.expr) + subquerySuffix(expr)
    case 'ParenExpr':
      return `(${printExpr(expr.expr)})`
    case 'UnaryExpr':
      return expr.op + printExpr(expr.expr)
    case 'AggregateExpr': {
      const param = expr.param ? `${printExpr(expr.param)}, ` : ''
      return `${aggregateHead(expr)}(${param}${printExpr(expr.expr)})`
    }
    case 'Call':
      return `${expr.func.name}(${expr.args.map(printExpr).join(', ')})`
    case 'BinaryExpr': {
      // Left-nested chains are printed without recursion down the left side.
      const spine: BinaryExpr[] = []
      let node: Expr = expr
      while (node.kind === 'BinaryExpr') {
        spine.push(node)
        node = node.lhs
      }
      let text = printExpr(node)
      for (let i = spine.length - 1; i >= 0; i--) {
        const b = spine[i]!
        text = `${text} ${operatorText(b)} ${printExpr(b.rhs)}`
      }
      return text
    }
  }
}

const MAX_LINE = 100
const indent = (level: number): string => '  '.repeat(level)
const needsSplit = (expr: Expr): boolean => utf8Length(printExpr(expr)) > MAX_LINE

/** The expression as Prometheus's Pretty() (format_query) writes it. */
export function prettyExpr(expr: Expr, level = 0): string {
  switch (expr.kind) {
    case 'AggregateExpr': {
      if (!needsSplit(expr)) return indent(level) + printExpr(expr)
      const param = expr.param ? `${prettyExpr(expr.param, level + 1)},\n` : ''
      return `${indent(level)}${aggregateHead(expr)}(\n${param}${prettyExpr(expr.expr, level + 1)}\n${indent(level)})`
    }
    case 'BinaryExpr':
      if (!needsSplit(expr)) return indent(level) + printExpr(expr)
      return `${prettyExpr(expr.lhs, level + 1)}\n${indent(level)}${operatorText(expr)}\n${prettyExpr(expr.rhs, level + 1)}`
    case 'Call':
      if (!needsSplit(expr)) return indent(level) + printExpr(expr)
      return `${indent(level)}${expr.func.name}(\n${expr.args.map((a) => prettyExpr(a, level + 1)).join(',\n')}\n${indent(level)})`
    case 'ParenExpr':
      if (!needsSplit(expr)) return indent(level) + printExpr(expr)
      return `${indent(level)}(\n${prettyExpr(expr.expr, level + 1)}\n${indent(level)})`
    case 'SubqueryExpr':
      // As in Prometheus, an unsplit subquery is not indented.
      if (!needsSplit(expr)) return printExpr(expr)
      return prettyExpr(expr.expr, level) + subquerySuffix(expr)
    case 'UnaryExpr':
      return indent(level) + expr.op + prettyExpr(expr.expr, level).trim()
    default:
      return indent(level) + printExpr(expr)
  }
}
