// Every function of PromQL in Prometheus 2.42, with the argument types the type checker
// enforces. `variadic` is how many trailing arguments may be left out or repeated:
// 0 exactly argTypes.length arguments; n > 0 between argTypes.length - 1 and
// argTypes.length - 1 + n; -1 at least argTypes.length - 1, the last type repeating.

import type { ValueType } from './ast'

export interface FunctionDef {
  name: string
  argTypes: readonly ValueType[]
  variadic: number
  returnType: ValueType
}

const vectorToVector = [
  'abs', 'absent', 'acos', 'acosh', 'asin', 'asinh', 'atan', 'atanh', 'ceil', 'cos', 'cosh', 'deg', 'exp',
  'floor', 'histogram_count', 'histogram_sum', 'ln', 'log10', 'log2', 'rad', 'sgn', 'sin', 'sinh', 'sort',
  'sort_desc', 'sqrt', 'tan', 'tanh', 'timestamp'
]
const rangeToVector = [
  'absent_over_time', 'avg_over_time', 'changes', 'count_over_time', 'delta', 'deriv', 'idelta', 'increase',
  'irate', 'last_over_time', 'max_over_time', 'min_over_time', 'present_over_time', 'rate', 'resets',
  'stddev_over_time', 'stdvar_over_time', 'sum_over_time'
]
/** Date functions: one optional vector argument, `vector(time())` when left out. */
const dateFunctions = ['day_of_month', 'day_of_week', 'day_of_year', 'days_in_month', 'hour', 'minute', 'month', 'year']

const table: FunctionDef[] = [
  ...vectorToVector.map((name) => def(name, ['vector'], 'vector')),
  ...rangeToVector.map((name) => def(name, ['matrix'], 'vector')),
  ...dateFunctions.map((name) => def(name, ['vector'], 'vector', 1)),
  def('clamp', ['vector', 'scalar', 'scalar'], 'vector'),
  def('clamp_max', ['vector', 'scalar'], 'vector'),
  def('clamp_min', ['vector', 'scalar'], 'vector'),
  def('histogram_fraction', ['scalar', 'scalar', 'vector'], 'vector'),
  def('histogram_quantile', ['scalar', 'vector'], 'vector'),
  def('holt_winters', ['matrix', 'scalar', 'scalar'], 'vector'),
  def('label_join', ['vector', 'string', 'string', 'string'], 'vector', -1),
  def('label_replace', ['vector', 'string', 'string', 'string', 'string'], 'vector'),
  def('pi', [], 'scalar'),
  def('predict_linear', ['matrix', 'scalar'], 'vector'),
  def('quantile_over_time', ['scalar', 'matrix'], 'vector'),
  def('round', ['vector', 'scalar'], 'vector', 1),
  def('scalar', ['vector'], 'scalar'),
  def('time', [], 'scalar'),
  def('vector', ['scalar'], 'vector')
]

function def(name: string, argTypes: ValueType[], returnType: ValueType, variadic = 0): FunctionDef {
  return Object.freeze({ name, argTypes: Object.freeze(argTypes), variadic, returnType })
}

export const FUNCTIONS: ReadonlyMap<string, FunctionDef> = new Map(table.map((f) => [f.name, f]))

export function getFunction(name: string): FunctionDef | undefined {
  return FUNCTIONS.get(name)
}
