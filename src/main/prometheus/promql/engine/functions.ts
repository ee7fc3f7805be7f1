// The functions that take no range vector, as one step of Prometheus 2.42's evaluation: the
// arguments' vectors at a step in, the result vector out. Scalars arrive as one-sample vectors.
// The arithmetic lives in the kernels; here is what 2.42's engine adds around it.
import { absentLabels, applyElementFunction, histogramQuantile, sort, sortDesc, timestamp } from '../kernels/instant-functions'
import { Labels, type Sample } from '../kernels/values'
import { scalarOf, type StepFunction } from './evaluator'
import { labelJoin, labelReplace } from './label-functions'
import type { CallNode, PlanNode } from './plan'

const DATE_FUNCTIONS: ReadonlySet<string> = new Set(['day_of_month', 'day_of_week', 'day_of_year', 'days_in_month', 'hour', 'minute', 'month', 'year'])

const scalarSample = (v: number): Sample => ({ labels: Labels.EMPTY, t: 0, v })

/** What the call does at each step. */
export function instantFunction(node: CallNode): StepFunction {
  const { name, args } = node
  switch (name) {
    case 'time':
      return (_vectors, ts) => [scalarSample(ts / 1000)]
    case 'pi':
      return () => [scalarSample(Math.PI)]
    case 'vector':
      return ([scalar]) => [scalarSample(scalarOf(scalar))]
    case 'scalar':
      // NaN unless the vector holds exactly one sample.
      return ([vector = []]) => [scalarSample(vector.length === 1 ? (vector[0] as Sample).v : NaN)]
    case 'absent': {
      const labels = absentLabelsOf(args[0] as PlanNode)
      return ([vector = []]) => (vector.length > 0 ? [] : [{ labels, t: 0, v: 1 }])
    }
    case 'sort':
      return ([vector = []]) => sort(vector)
    case 'sort_desc':
      return ([vector = []]) => sortDesc(vector)
    case 'timestamp':
      // Not of a selector: the samples stand at the step's time.
      return ([vector = []]) => timestamp(vector)
    case 'histogram_quantile':
      return ([phi, vector = []], ts) => histogramQuantile(scalarOf(phi), vector, ts)
    case 'histogram_count':
    case 'histogram_sum':
    case 'histogram_fraction':
      // They read native histograms only, which no float series holds.
      return () => []
    case 'label_replace':
      return labelReplace(args)
    case 'label_join':
      return labelJoin(args)
    default:
      if (DATE_FUNCTIONS.has(name) && args.length === 0) {
        // Of the evaluation time, in whole seconds (Go's integer division).
        return (_vectors, ts) => applyElementFunction(name, [scalarSample(Math.trunc(ts / 1000))])
      }
      return ([vector = [], ...scalars]) => applyElementFunction(name, vector, scalars.map(scalarOf))
  }
}

/** absent()'s labels: those of the selector's equality matchers; none for anything but a selector. */
function absentLabelsOf(node: PlanNode): Labels {
  if (node.kind === 'selector') return absentLabels(node.matchers)
  return Labels.EMPTY
}
