// Small series sources and readable results for the engine's unit tests.
import { STALE } from '../../../src/main/base/series/sample'
import { MemorySeriesSource, queryInstant, queryRange, type EngineOptions, type SourceSeries, type SourceValue } from '../../../src/main/prometheus/promql/engine'
import type { Value } from '../../../src/main/prometheus/promql/kernels/values'
import { parseExpr } from '../../../src/main/prometheus/promql'

export const SECOND = 1000
export const MINUTE = 60 * SECOND

/** The labels of a selector written with equality matchers only: `up{job="a"}` → { __name__: 'up', job: 'a' }. */
export function labelsOf(selector: string): Record<string, string> {
  const expr = parseExpr(selector)
  if (expr.kind !== 'VectorSelector') throw new Error(`${selector} is no selector`)
  return Object.fromEntries(expr.matchers.map((m) => [m.name, m.value]))
}

/**
 * A source from `'up{job="a"}': '1 2 _ stale 5'`: one sample every `stepMs` from time 0
 * (`_` none, `stale` a staleness marker).
 */
export function sourceOf(series: Record<string, string>, stepMs = 15 * SECOND): MemorySeriesSource {
  return new MemorySeriesSource(Object.entries(series).map(([selector, values]) => seriesOf(selector, values, stepMs)))
}

function seriesOf(selector: string, values: string, stepMs: number): SourceSeries {
  const timestamps: number[] = []
  const samples: SourceValue[] = []
  values
    .trim()
    .split(/\s+/)
    .forEach((text, i) => {
      if (text === '_') return
      timestamps.push(i * stepMs)
      samples.push(text === 'stale' ? STALE : Number(text))
    })
  return { labels: labelsOf(selector), timestamps, values: samples }
}

/** An instant query's vector as `labels → value`, in the order the engine answered. */
export async function vectorAt(source: MemorySeriesSource, query: string, timeMs: number, options?: EngineOptions): Promise<Array<[string, number]>> {
  const value = await queryInstant(source, query, timeMs, options)
  if (value.type !== 'vector') throw new Error(`${query} answered a ${value.type}`)
  return value.samples.map((s) => [s.labels.toString(), s.v])
}

/** A range query's matrix as `labels → [t, v][]`, in the order the engine answered. */
export async function matrixOver(
  source: MemorySeriesSource,
  query: string,
  [startMs, endMs, stepMs]: [number, number, number],
  options?: EngineOptions
): Promise<Array<[string, Array<[number, number]>]>> {
  return pointsOf(await queryRange(source, query, startMs, endMs, stepMs, options))
}

/** A matrix (of a range query, or at the top of an instant one) as `labels → [t, v][]`. */
export function pointsOf(value: Value): Array<[string, Array<[number, number]>]> {
  if (value.type !== 'matrix') throw new Error(`a ${value.type}, not a matrix`)
  return value.series.map((s) => [s.labels.toString(), s.points.map((p): [number, number] => [p.t, p.v])])
}
