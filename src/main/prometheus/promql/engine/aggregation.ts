// Aggregations as one step of 2.42's evaluation, folded by the kernels. A sample's group labels
// are worked out once per series (2.42 too keys its groups by a hash made once per series) and
// handed to the kernels beside the samples, so that they are not worked out again at every step.
import type { AggregateOp } from '../ast'
import { aggregate } from '../kernels/aggregations'
import { METRIC_NAME, type Labels, type Sample } from '../kernels/values'

export type Aggregation = (samples: Sample[], param: number | string | undefined, t: number) => Sample[]

export function aggregation(op: AggregateOp, grouping: readonly string[], without: boolean): Aggregation {
  // count_values adds a label before grouping: its kernel works the groups out itself.
  if (op === 'count_values') return (samples, param, t) => aggregate(op, samples, { grouping, without, param, t })
  // The kernel is told each sample's group rather than handed samples relabelled with it: no
  // object a sample and step, and no group worked out again (with its key) from labels already
  // grouped. topk and bottomk answer the input samples, labels and all; the others only read
  // the values.
  const groupOf = groupLabelsFunction(grouping, without)
  return (samples, param, t) => aggregate(op, samples, { grouping, without, param, t, groupOf })
}

/** A series' group: `by` keeps the listed labels, `without` drops them and the metric name. */
function groupLabelsFunction(grouping: readonly string[], without: boolean): (labels: Labels) => Labels {
  const dropped = [...grouping, METRIC_NAME]
  const cache = new Map<Labels, Labels>()
  return (labels) => {
    let group = cache.get(labels)
    if (group === undefined) {
      group = without ? labels.without(dropped) : labels.only(grouping)
      cache.set(labels, group)
    }
    return group
  }
}
