// The float semantics of PromQL's binary operators in Prometheus 2.42: arithmetic with Go's
// math.Mod and math.Pow, comparisons as filters or (with `bool`) as 0/1, and the vector–scalar
// case. Matching two vectors (on/ignoring, group_left/right, and/or/unless) is the engine's.
import { goPow } from './go-math'
import type { Sample } from './values'

export type ArithmeticOperator = '+' | '-' | '*' | '/' | '%' | '^' | 'atan2'
export type ComparisonOperator = '==' | '!=' | '>' | '<' | '>=' | '<='
export type BinaryOperator = ArithmeticOperator | ComparisonOperator

const ARITHMETIC: Record<ArithmeticOperator, (l: number, r: number) => number> = {
  '+': (l, r) => l + r,
  '-': (l, r) => l - r,
  '*': (l, r) => l * r,
  '/': (l, r) => l / r,
  // JavaScript's % is fmod, as Go's math.Mod: the sign of the dividend; NaN for x % 0 and ±Inf % y.
  '%': (l, r) => l % r,
  '^': goPow,
  atan2: Math.atan2
}

// Every comparison with NaN is false, except != (true).
const COMPARISON: Record<ComparisonOperator, (l: number, r: number) => boolean> = {
  '==': (l, r) => l === r,
  '!=': (l, r) => l !== r,
  '>': (l, r) => l > r,
  '<': (l, r) => l < r,
  '>=': (l, r) => l >= r,
  '<=': (l, r) => l <= r
}

export function isComparison(op: BinaryOperator): op is ComparisonOperator {
  return op in COMPARISON
}

/** Whether the result loses the metric name: arithmetic does, except atan2 (2.42 keeps it there). */
export function dropsMetricName(op: BinaryOperator): boolean {
  return !isComparison(op) && op !== 'atan2'
}

export function arithmetic(op: ArithmeticOperator, l: number, r: number): number {
  return ARITHMETIC[op](l, r)
}

export function compare(op: ComparisonOperator, l: number, r: number): boolean {
  return COMPARISON[op](l, r)
}

/** scalar op scalar: comparisons (which need `bool` there) give 1 or 0. */
export function scalarBinop(op: BinaryOperator, l: number, r: number): number {
  if (isComparison(op)) return compare(op, l, r) ? 1 : 0
  return arithmetic(op, l, r)
}

/**
 * One pair of vector elements: the value out and whether the element is kept. A comparison keeps
 * the left value when it holds (the engine turns `keep` into 1/0 under `bool`).
 */
export function vectorElementBinop(op: BinaryOperator, l: number, r: number): { value: number; keep: boolean } {
  if (isComparison(op)) return { value: l, keep: compare(op, l, r) }
  return { value: arithmetic(op, l, r), keep: true }
}

/**
 * vector op scalar, or scalar op vector (`scalarOnLeft`). Arithmetic (but atan2) and `bool` drop
 * the metric name; a filtering comparison keeps the name and the vector's own value whichever
 * side it is on (`1 < x` keeps x's samples above 1, valued as x).
 */
export function vectorScalarBinop(op: BinaryOperator, samples: readonly Sample[], scalar: number, scalarOnLeft: boolean, returnBool: boolean): Sample[] {
  const out: Sample[] = []
  for (const sample of samples) {
    const [l, r] = scalarOnLeft ? [scalar, sample.v] : [sample.v, scalar]
    let { value, keep } = vectorElementBinop(op, l, r)
    if (isComparison(op) && scalarOnLeft) value = sample.v
    if (returnBool) {
      value = keep ? 1 : 0
      keep = true
    }
    if (!keep) continue
    const labels = returnBool || dropsMetricName(op) ? sample.labels.withoutMetricName() : sample.labels
    out.push({ labels, t: sample.t, v: value })
  }
  return out
}
