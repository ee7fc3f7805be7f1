// Type checking of a parsed expression, with Prometheus 2.42's rules, messages and order:
// children are checked before their parent, and the first error found is the one reported.
// It also settles vector matching as Prometheus does: set operators match many-to-many, and
// an operation with a scalar side has no vector matching.

import {
  COMPARISON_OPS,
  SET_OPS,
  documentedType,
  typeOf,
  type BinaryExpr,
  type Expr,
  type PositionRange,
  type ValueType
} from './ast'
import { goQuote } from './go-format'
import { ParseError } from './parse-error'

export function checkExpr(expr: Expr, query: string): void {
  new Checker(query).check(expr)
}

const isSpace = (c: string | undefined): boolean => c === ' ' || c === '\t' || c === '\n' || c === '\r'

class Checker {
  constructor(private readonly query: string) {}

  private fail(range: PositionRange, message: string): never {
    throw new ParseError(range, message, this.query)
  }

  private expectType(expr: Expr, want: ValueType, context: string): void {
    const got = this.check(expr)
    if (got !== want) this.fail(expr.pos, `expected type ${documentedType(want)} in ${context}, got ${documentedType(got)}`)
  }

  /** Checks expr and everything under it; returns its type. */
  check(expr: Expr): ValueType {
    switch (expr.kind) {
      case 'NumberLiteral':
      case 'StringLiteral':
        break
      case 'VectorSelector': {
        if (expr.name !== '') {
          // The name before the braces added the last matcher; another __name__ matcher repeats it.
          for (const m of expr.matchers.slice(0, -1)) {
            if (m.name === '__name__') this.fail(expr.pos, `metric name must not be set twice: ${goQuote(expr.name)} or ${goQuote(m.value)}`)
          }
          break
        }
        // At least one matcher must exclude the empty value, so that a typo cannot select every series.
        if (!expr.matchers.some((m) => !m.matches(''))) this.fail(expr.pos, 'vector selector must contain at least one non-empty matcher')
        break
      }
      case 'MatrixSelector':
        this.check(expr.vectorSelector)
        break
      case 'SubqueryExpr': {
        const inner = this.check(expr.expr)
        if (inner !== 'vector') this.fail(expr.pos, `subquery is only allowed on instant vector, got ${inner} instead`)
        break
      }
      case 'ParenExpr':
        this.check(expr.expr)
        break
      case 'UnaryExpr': {
        const inner = this.check(expr.expr)
        if (inner !== 'scalar' && inner !== 'vector') {
          this.fail(expr.pos, `unary expression only allowed on expressions of type scalar or instant vector, got ${goQuote(documentedType(inner))}`)
        }
        break
      }
      case 'AggregateExpr':
        this.expectType(expr.expr, 'vector', 'aggregation expression')
        if (expr.op === 'topk' || expr.op === 'bottomk' || expr.op === 'quantile') this.expectType(expr.param!, 'scalar', 'aggregation parameter')
        if (expr.op === 'count_values') this.expectType(expr.param!, 'string', 'aggregation parameter')
        break
      case 'Call':
        this.checkCall(expr)
        break
      case 'BinaryExpr':
        this.checkBinaryChain(expr)
        break
    }
    return typeOf(expr)
  }

  private checkCall(call: Extract<Expr, { kind: 'Call' }>): void {
    const { func, args } = call
    const declared = func.argTypes.length
    const name = goQuote(func.name)
    if (func.variadic === 0) {
      if (declared !== args.length) this.fail(call.pos, `expected ${declared} argument(s) in call to ${name}, got ${args.length}`)
    } else {
      const required = declared - 1
      if (required > args.length) this.fail(call.pos, `expected at least ${required} argument(s) in call to ${name}, got ${args.length}`)
      const most = required + func.variadic
      if (func.variadic > 0 && most < args.length) this.fail(call.pos, `expected at most ${most} argument(s) in call to ${name}, got ${args.length}`)
    }
    for (const [i, arg] of args.entries()) {
      if (i >= declared && func.variadic === 0) break
      this.expectType(arg, func.argTypes[Math.min(i, declared - 1)]!, `call to function ${name}`)
    }
  }

  /**
   * A chain of left-nested binary operations (`a - b - c - ...`), walked down its left spine
   * without recursion so that long chains do not exhaust the stack; each operation is checked
   * after both its sides, as Prometheus does.
   */
  private checkBinaryChain(top: BinaryExpr): void {
    const spine: BinaryExpr[] = []
    let node: Expr = top
    while (node.kind === 'BinaryExpr') {
      spine.push(node)
      node = node.lhs
    }
    this.check(node)
    for (let i = spine.length - 1; i >= 0; i--) {
      const binary = spine[i]!
      this.check(binary.rhs)
      this.checkBinary(binary)
    }
  }

  private checkBinary(n: BinaryExpr): void {
    const lt = typeOf(n.lhs)
    const rt = typeOf(n.rhs)
    // Where the operator is: between the sides, without surrounding white space.
    const opRange = (): PositionRange => {
      let start = n.lhs.pos.end
      while (isSpace(this.query[start])) start++
      let end = n.rhs.pos.start - 1
      while (isSpace(this.query[end])) end--
      return { start, end }
    }
    const isComparison = COMPARISON_OPS.has(n.op)
    const isSet = SET_OPS.has(n.op)
    const matching = n.matching

    if (n.returnBool && !isComparison) this.fail(opRange(), 'bool modifier can only be used on comparison operators')
    if (isComparison && !n.returnBool && lt === 'scalar' && rt === 'scalar') this.fail(opRange(), 'comparisons between scalars must use BOOL modifier')
    if (matching && isSet && matching.card === 'one-to-one') matching.card = 'many-to-many'
    if (matching?.on) {
      const clash = matching.matchingLabels.find((l) => matching.include.includes(l))
      if (clash !== undefined) this.fail(opRange(), `label ${goQuote(clash)} must not occur in ON and GROUP clause at once`)
    }
    if (lt !== 'scalar' && lt !== 'vector') this.fail(n.lhs.pos, 'binary expression must contain only scalar and instant vector types')
    if (rt !== 'scalar' && rt !== 'vector') this.fail(n.rhs.pos, 'binary expression must contain only scalar and instant vector types')

    if ((lt !== 'vector' || rt !== 'vector') && matching) {
      if (matching.matchingLabels.length > 0) this.fail(n.pos, 'vector matching only allowed between instant vectors')
      n.matching = null
    } else if (isSet && matching) {
      if (matching.card === 'one-to-many' || matching.card === 'many-to-one') this.fail(n.pos, `no grouping allowed for ${goQuote(n.op)} operation`)
      if (matching.card !== 'many-to-many') this.fail(n.pos, 'set operations must always be many-to-many')
    }
    if ((lt === 'scalar' || rt === 'scalar') && isSet) this.fail(n.pos, `set operator ${goQuote(n.op)} not allowed in binary scalar expression`)
  }
}
