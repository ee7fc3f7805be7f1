// What query and query_range answer: a value of one of PromQL's four kinds, written as 2.42's
// JSON writes it (`{"resultType":…,"result":…}`, the number and time formats of format.ts).
import type { LabelSet } from '../series/label-sets'
import { formatJsonString, formatSamplePoint, formatScalarPoint, formatStringPoint } from './format'

export interface Point {
  /** Unix milliseconds. */
  t: number
  v: number
}

export type QueryValue =
  | { type: 'scalar'; t: number; v: number }
  | { type: 'string'; t: number; v: string }
  | { type: 'vector'; samples: ReadonlyArray<{ labels: LabelSet; t: number; v: number }> }
  | { type: 'matrix'; series: ReadonlyArray<{ labels: LabelSet; points: readonly Point[] }> }

/** The `data` of a query answer. Empty vectors and matrices are `[]`, never null. */
export function queryDataJson(value: QueryValue): string {
  return `{"resultType":"${value.type}","result":${resultJson(value)}}`
}

function resultJson(value: QueryValue): string {
  switch (value.type) {
    case 'scalar':
      return formatScalarPoint(value.t, value.v)
    case 'string':
      return formatStringPoint(value.t, value.v)
    case 'vector':
      return `[${value.samples.map((sample) => `{"metric":${metricJson(sample.labels)},"value":${formatSamplePoint(sample.t, sample.v)}}`).join(',')}]`
    case 'matrix':
      return `[${value.series.map((series) => `{"metric":${metricJson(series.labels)},"values":[${series.points.map((p) => formatSamplePoint(p.t, p.v)).join(',')}]}`).join(',')}]`
  }
}

/** A label set as the `metric` object, in its (Go) order. */
export function metricJson(labels: LabelSet): string {
  return `{${Object.entries(labels)
    .map(([name, value]) => `${formatJsonString(name)}:${formatJsonString(value)}`)
    .join(',')}}`
}
