// The functions of Prometheus 2.42 that map an instant vector sample by sample (math, trig,
// clamps, rounding, dates), and sort, sort_desc, timestamp, histogram_quantile and absent's
// labels. Every one but sort/sort_desc drops the metric name.
import { goCosh, goLog10, goLog2, goMax, goMin, goSinh } from './go-math'
import { goSort, reversed } from './go-sort'
import { civilTime, daysInMonth, isLeapYear } from './go-time'
import { byValue, ascendingNanFirst, descendingNanFirst } from './value-order'
import { Labels, METRIC_NAME, type Sample } from './values'

export { histogramQuantile, bucketQuantile } from './histogram-quantile'

/** A sample's new value from its value and the call's scalar arguments (after the vector). */
export type ElementFunction = (v: number, args: readonly number[]) => number

const unary = (f: (v: number) => number): ElementFunction => (v) => f(v)

/** Go's round: half up (towards +Inf), to a multiple of `toNearest`, through its inverse. */
export function round(v: number, toNearest = 1): number {
  const inverse = 1 / toNearest
  return Math.floor(v * inverse + 0.5) / inverse
}

export function sgn(v: number): number {
  if (v < 0) return -1
  if (v > 0) return 1
  return v
}

/** day_of_month and the other date functions read a value as unix seconds, in UTC. */
const dateFunctions: Record<string, ElementFunction> = {
  day_of_month: (v) => civilTime(v).day,
  day_of_week: (v) => civilTime(v).weekday,
  day_of_year: (v) => civilTime(v).yearDay,
  days_in_month: (v) => {
    const { year, month } = civilTime(v)
    return daysInMonth(month, isLeapYear(year))
  },
  hour: (v) => civilTime(v).hour,
  minute: (v) => civilTime(v).minute,
  month: (v) => civilTime(v).month,
  year: (v) => civilTime(v).year
}

/** Keyed by PromQL name. The date functions without an argument take `vector(time())`. */
export const ELEMENT_FUNCTIONS: Record<string, ElementFunction> = {
  abs: unary(Math.abs),
  ceil: unary(Math.ceil),
  floor: unary(Math.floor),
  exp: unary(Math.exp),
  ln: unary(Math.log),
  log2: unary(goLog2),
  log10: unary(goLog10),
  sqrt: unary(Math.sqrt),
  sgn: unary(sgn),
  round: (v, [toNearest = 1]) => round(v, toNearest),
  // Go's Max/Min: an infinite bound wins even over NaN (clamp_min(NaN, +Inf) is +Inf).
  clamp: (v, [min = NaN, max = NaN]) => goMax(min, goMin(max, v)),
  clamp_min: (v, [min = NaN]) => goMax(min, v),
  clamp_max: (v, [max = NaN]) => goMin(max, v),
  sin: unary(Math.sin),
  cos: unary(Math.cos),
  tan: unary(Math.tan),
  asin: unary(Math.asin),
  acos: unary(Math.acos),
  atan: unary(Math.atan),
  sinh: unary(goSinh),
  cosh: unary(goCosh),
  tanh: unary(Math.tanh),
  asinh: unary(Math.asinh),
  acosh: unary(Math.acosh),
  atanh: unary(Math.atanh),
  deg: (v) => (v * 180) / Math.PI,
  rad: (v) => (v * Math.PI) / 180,
  ...dateFunctions
}

/**
 * One element function over a vector: each sample's value mapped, its metric name dropped.
 * clamp(v, min, max) with max < min answers an empty vector.
 */
export function applyElementFunction(name: string, samples: readonly Sample[], args: readonly number[] = []): Sample[] {
  const f = ELEMENT_FUNCTIONS[name]
  if (!f) throw new Error(`${name} is no element-wise function`)
  if (name === 'clamp' && (args[1] ?? NaN) < (args[0] ?? NaN)) return []
  return samples.map((s) => ({ labels: s.labels.withoutMetricName(), t: s.t, v: f(s.v, args) }))
}

/** pi() */
export const pi = (): number => Math.PI

/** timestamp(v): each sample's time in seconds (the sample's own time for a selector's samples). */
export function timestamp(samples: readonly Sample[]): Sample[] {
  return samples.map((s) => ({ labels: s.labels.withoutMetricName(), t: s.t, v: s.t / 1000 }))
}

/** sort(v): ascending, NaN last; ties in the order Go's unstable sort leaves them. Names kept. */
export function sort(samples: readonly Sample[]): Sample[] {
  const sorted = [...samples]
  goSort(sorted, reversed(byValue(descendingNanFirst)))
  return sorted
}

/** sort_desc(v): descending, NaN last; ties as Go's unstable sort leaves them. Names kept. */
export function sortDesc(samples: readonly Sample[]): Sample[] {
  const sorted = [...samples]
  goSort(sorted, reversed(byValue(ascendingNanFirst)))
  return sorted
}

/** A label matcher of a selector, as absent() reads it. */
export interface LabelMatcher {
  name: string
  type: '=' | '!=' | '=~' | '!~'
  value: string
}

/**
 * The labels of absent(selector)'s and absent_over_time(selector[r])'s sample, matcher by
 * matcher: the first equality matcher of a name sets it, any other matcher of that name removes
 * it again (so x{a!="1",a="2"} keeps a="2", x{a="1",a="2"} keeps nothing); never __name__.
 */
export function absentLabels(matchers: readonly LabelMatcher[]): Labels {
  const labels = new Map<string, string>()
  const set = new Set<string>()
  for (const { name, type, value } of matchers) {
    if (name === METRIC_NAME) continue
    if (type === '=' && !set.has(name)) {
      labels.set(name, value)
      set.add(name)
    } else labels.delete(name)
  }
  return Labels.from(labels)
}
