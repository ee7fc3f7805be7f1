// Binary operations between two instant vectors, as Prometheus 2.42 matches them: samples pair
// up by their signature (the labels of `on (…)`, or all but `ignoring (…)` and the metric name),
// one-to-one, many-to-one (group_left) or one-to-many (group_right), with 2.42's errors for
// matches that are not unique; and the set operators and/or/unless, which match many-to-many.
import { dropsMetricName, vectorElementBinop, type BinaryOperator } from '../kernels/binary-ops'
import { METRIC_NAME, PromqlExecutionError, type Labels, type Sample } from '../kernels/values'
import type { VectorMatching } from '../ast'
import type { StepFunction } from './evaluator'
import type { BinaryNode } from './plan'

type Signature = (labels: Labels) => string

/** A series' signature, worked out once per label set. */
function signatureFunction({ on, matchingLabels }: VectorMatching): Signature {
  const ignored = [METRIC_NAME, ...matchingLabels]
  const cache = new Map<Labels, string>()
  return (labels) => {
    let signature = cache.get(labels)
    if (signature === undefined) {
      signature = (on ? labels.only(matchingLabels) : labels.without(ignored)).key
      cache.set(labels, signature)
    }
    return signature
  }
}

/** What the operation of a vector–vector node does at each step. */
export function vectorMatchingStep(node: BinaryNode): StepFunction {
  const matching = node.matching
  if (!matching) throw new Error('a vector–vector operation without vector matching')
  const signature = signatureFunction(matching)
  switch (node.op) {
    case 'and':
      return ([lhs = [], rhs = []]) => vectorAnd(lhs, rhs, signature)
    case 'or':
      return ([lhs = [], rhs = []]) => vectorOr(lhs, rhs, signature)
    case 'unless':
      return ([lhs = [], rhs = []]) => vectorUnless(lhs, rhs, signature)
    default: {
      const resultLabels = resultLabelsFunction(node.op, matching)
      const op = node.op
      return ([lhs = [], rhs = []]) => vectorBinop(op, lhs, rhs, matching, node.returnBool, signature, resultLabels)
    }
  }
}

/** The left samples that have a match on the right. */
function vectorAnd(lhs: Sample[], rhs: Sample[], signature: Signature): Sample[] {
  if (lhs.length === 0 || rhs.length === 0) return []
  const right = new Set(rhs.map((s) => signature(s.labels)))
  return lhs.filter((s) => right.has(signature(s.labels)))
}

/** Every left sample, then the right samples without a match on the left. */
function vectorOr(lhs: Sample[], rhs: Sample[], signature: Signature): Sample[] {
  if (lhs.length === 0) return [...rhs]
  if (rhs.length === 0) return [...lhs]
  const left = new Set(lhs.map((s) => signature(s.labels)))
  return [...lhs, ...rhs.filter((s) => !left.has(signature(s.labels)))]
}

/** The left samples without a match on the right. */
function vectorUnless(lhs: Sample[], rhs: Sample[], signature: Signature): Sample[] {
  if (lhs.length === 0 || rhs.length === 0) return [...lhs]
  const right = new Set(rhs.map((s) => signature(s.labels)))
  return lhs.filter((s) => !right.has(signature(s.labels)))
}

type ResultLabels = (many: Labels, one: Labels) => Labels

/**
 * The labels of a result sample, from the sample of the "many" side (the left one, for
 * one-to-one) and its match: arithmetic drops the metric name; one-to-one keeps only the `on`
 * labels or drops the `ignoring` ones; group_left/right's labels are copied from the "one" side
 * (removed where it has none). Cached per pair of label sets.
 */
function resultLabelsFunction(op: BinaryOperator, matching: VectorMatching): ResultLabels {
  const cache = new Map<Labels, Map<Labels, Labels>>()
  const compute: ResultLabels = (many, one) => {
    let labels = dropsMetricName(op) ? many.withoutMetricName() : many
    if (matching.card === 'one-to-one') labels = matching.on ? labels.only(matching.matchingLabels) : labels.without(matching.matchingLabels)
    for (const name of matching.include) labels = labels.with(name, one.get(name))
    return labels
  }
  return (many, one) => {
    let byOne = cache.get(many)
    if (byOne === undefined) {
      byOne = new Map()
      cache.set(many, byOne)
    }
    let labels = byOne.get(one)
    if (labels === undefined) {
      labels = compute(many, one)
      byOne.set(one, labels)
    }
    return labels
  }
}

/**
 * An arithmetic or comparison operation between matched samples. The "one" side (the right,
 * or the left for group_right) must have one sample per signature; one-to-one matching must
 * not use a right sample twice; many-to-one results must have distinct labels within a match.
 */
function vectorBinop(
  op: BinaryOperator,
  lhs: Sample[],
  rhs: Sample[],
  matching: VectorMatching,
  returnBool: boolean,
  signature: Signature,
  resultLabels: ResultLabels
): Sample[] {
  if (lhs.length === 0 || rhs.length === 0) return []
  const oneToMany = matching.card === 'one-to-many'
  const [manySide, oneSide] = oneToMany ? [rhs, lhs] : [lhs, rhs]

  const ones = new Map<string, Sample>()
  for (const sample of oneSide) {
    const sig = signature(sample.labels)
    const duplicate = ones.get(sig)
    if (duplicate) throw duplicateSeriesError(sample.labels, duplicate.labels, matching, oneToMany ? 'left' : 'right')
    ones.set(sig, sample)
  }

  // Per signature matched: nothing for one-to-one; the result label sets so far otherwise.
  const matched = new Map<string, Set<string> | null>()
  const out: Sample[] = []
  for (const many of manySide) {
    const sig = signature(many.labels)
    const one = ones.get(sig)
    if (one === undefined) continue
    const [l, r] = oneToMany ? [one.v, many.v] : [many.v, one.v]
    const { value: computed, keep } = vectorElementBinop(op, l, r)
    if (!keep && !returnBool) continue
    const value = returnBool ? Number(keep) : computed
    let labels = resultLabels(many.labels, one.labels)
    if (returnBool) labels = labels.withoutMetricName()
    checkUnique(matched, sig, labels, matching)
    out.push({ labels, t: many.t, v: value })
  }
  return out
}

function checkUnique(matched: Map<string, Set<string> | null>, sig: string, labels: Labels, matching: VectorMatching): void {
  const results = matched.get(sig)
  if (matching.card === 'one-to-one') {
    if (results !== undefined) throw new PromqlExecutionError('multiple matches for labels: many-to-one matching must be explicit (group_left/group_right)')
    matched.set(sig, null)
    return
  }
  if (results === undefined || results === null) {
    matched.set(sig, new Set([labels.key]))
    return
  }
  if (results.has(labels.key)) throw new PromqlExecutionError('multiple matches for labels: grouping labels must ensure unique matches')
  results.add(labels.key)
}

function duplicateSeriesError(labels: Labels, duplicate: Labels, { on, matchingLabels }: VectorMatching, side: 'left' | 'right'): PromqlExecutionError {
  // The labels the two share: those of `on (…)`, or all but `ignoring (…)` and the metric name.
  const group = on ? labels.only(matchingLabels) : labels.without([METRIC_NAME, ...matchingLabels])
  return new PromqlExecutionError(
    `found duplicate series for the match group ${group.toString()} on the ${side} hand-side of the operation: [${labels.toString()}, ${duplicate.toString()}]` +
      ';many-to-many matching not allowed: matching labels must be unique on one side'
  )
}
