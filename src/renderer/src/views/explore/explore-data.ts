// What the Explore page does with the Prometheus API's answers: the result as table rows and as
// a uPlot table, and where in the query an error points. Pure, unit-tested.
import type { Table } from '../../charts/shaping'

export type Labels = Record<string, string>
/** A sample as the API writes it: unix seconds and the value as text ("NaN", "+Inf" too). */
export type SamplePair = [number, string]

export type QueryResult =
  | { resultType: 'vector'; result: Array<{ metric: Labels; value: SamplePair }> }
  | { resultType: 'matrix'; result: Array<{ metric: Labels; values: SamplePair[] }> }
  | { resultType: 'scalar' | 'string'; result: SamplePair }

/** A series as Prometheus' own UI names it: `name{label="value", …}`, `{}` for none. */
export function seriesName(metric: Labels): string {
  const { __name__: name = '', ...labels } = metric
  const pairs = Object.keys(labels)
    .sort()
    .map((label) => `${label}=${JSON.stringify(labels[label])}`)
  return pairs.length === 0 && name ? name : `${name}{${pairs.join(', ')}}`
}

export interface TableRow {
  series: string
  /** One value for an instant result; every sample (`value @time`) of a range one. */
  values: string[]
}

export function tableRows(data: QueryResult): TableRow[] {
  switch (data.resultType) {
    case 'vector':
      return data.result.map(({ metric, value }) => ({ series: seriesName(metric), values: [value[1]] }))
    case 'matrix':
      return data.result.map(({ metric, values }) => ({ series: seriesName(metric), values: values.map(([t, v]) => `${v} @${t}`) }))
    case 'scalar':
    case 'string':
      return [{ series: data.resultType, values: [data.result[1]] }]
  }
}

export interface GraphData {
  labels: string[]
  /** Times in ms, one column per series; null where a series has no sample (the line breaks). */
  table: Table
}

/** A range result on one time axis; nothing to draw (null) for an instant result. */
export function graphData(data: QueryResult): GraphData | null {
  if (data.resultType !== 'matrix') return null
  const times = new Set<number>()
  for (const series of data.result) for (const [t] of series.values) times.add(t)
  const ts = [...times].sort((a, b) => a - b)
  const row = new Map(ts.map((t, index) => [t, index]))
  const columns = data.result.map(({ values }) => {
    const column: Array<number | null> = ts.map(() => null)
    for (const [t, v] of values) {
      const value = Number(v)
      // uPlot cannot place NaN or ±Inf: they are a break in the line, as Prometheus' graph shows them.
      column[row.get(t) as number] = Number.isFinite(value) ? value : null
    }
    return column
  })
  return { labels: data.result.map(({ metric }) => seriesName(metric)), table: { ts: ts.map((t) => Math.round(t * 1000)), columns } }
}

/**
 * Where a parse error (`… 1:5: parse error: …`, line and column from 1, the column in UTF-8
 * bytes as Prometheus counts it) lies in `query`, as a string offset; null when it names none.
 */
export function errorOffset(message: string, query: string): number | null {
  const at = /(\d+):(\d+): parse error/.exec(message)
  if (!at) return null
  const lines = query.split('\n')
  const line = Number(at[1]) - 1
  if (line >= lines.length) return null
  let offset = lines.slice(0, line).reduce((sum, text) => sum + text.length + 1, 0)
  const text = lines[line] as string
  let bytes = Number(at[2]) - 1
  for (const char of text) {
    if (bytes <= 0) break
    bytes -= new TextEncoder().encode(char).length
    offset += char.length
  }
  return offset
}
