// The reference side of the PromQL differential tests: the real Prometheus 2.42 started over
// the generated data set answers as the data set says, and as the recorded fixture says.
import { spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { FIXTURE_FILE, recordResponses } from '../../scripts/record-prometheus-responses'
import { generateDataset, seriesSelector, toPrometheusText, type DatasetSeries, type Sample } from '../helpers/openmetrics-dataset'
import { findPrometheusBinaries, prometheusVersion, startPrometheusReference, type PrometheusReference } from '../helpers/prometheus-reference'

const MINUTE = 60_000
const LOOKBACK_MS = 5 * MINUTE

const dataset = generateDataset()
const at = (minutes: number): number => dataset.startMs + minutes * MINUTE
const seconds = (ms: number): number => ms / 1000

function series(name: string, labels: Record<string, string>): DatasetSeries {
  const found = dataset.series.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))
  if (found.length !== 1) throw new Error(`${found.length} series match ${name} ${JSON.stringify(labels)}`)
  return found[0] as DatasetSeries
}

/** A value as the API writes it. */
function parseValue(text: string): number {
  if (text === '+Inf') return Infinity
  if (text === '-Inf') return -Infinity
  return Number(text)
}

/**
 * rate(series[range]) at tMs as Prometheus 2.42 computes it, written out from its definition:
 * the samples in [t - range, t] (both ends included in 2.x), counter resets added back, the
 * increase extrapolated towards the range's ends (by at most half an average sample interval
 * unless the data reaches that close, and never below zero), divided by the range in seconds.
 */
function expectedRate(samples: Sample[], tMs: number, rangeMs: number): number {
  const inRange = samples.filter(([t]) => t >= tMs - rangeMs && t <= tMs)
  if (inRange.length < 2) throw new Error('rate needs two samples')
  const [firstT, firstV] = inRange[0] as Sample
  const [lastT, lastV] = inRange[inRange.length - 1] as Sample
  let increase = lastV - firstV
  for (let i = 1; i < inRange.length; i++) {
    const previous = (inRange[i - 1] as Sample)[1]
    if ((inRange[i] as Sample)[1] < previous) increase += previous
  }
  let durationToStart = (firstT - (tMs - rangeMs)) / 1000
  const durationToEnd = (tMs - lastT) / 1000
  const sampledInterval = (lastT - firstT) / 1000
  const averageInterval = sampledInterval / (inRange.length - 1)
  if (increase > 0 && firstV >= 0) {
    const durationToZero = sampledInterval * (firstV / increase)
    if (durationToZero < durationToStart) durationToStart = durationToZero
  }
  const threshold = averageInterval * 1.1
  let extrapolateTo = sampledInterval
  extrapolateTo += durationToStart < threshold ? durationToStart : averageInterval / 2
  extrapolateTo += durationToEnd < threshold ? durationToEnd : averageInterval / 2
  return increase * (extrapolateTo / sampledInterval / (rangeMs / 1000))
}

describe('the reference Prometheus 2.42 over the differential data set', () => {
  let prometheus: PrometheusReference

  beforeAll(async () => {
    prometheus = await startPrometheusReference({ dataset })
  })

  afterAll(async () => {
    await prometheus?.stop()
  })

  it("is Debian's Prometheus 2.42", () => {
    expect(prometheusVersion()).toMatch(/^prometheus, version 2\.42\./)
    expect(prometheus.version).toMatch(/^2\.42\./)
  })

  it('holds every sample of the data set, timestamps and values bit for bit', async () => {
    // A range selector over the whole data set returns the raw samples ([t - 2h, t] in 2.x).
    const response = await prometheus.query('{__name__=~".+"}[2h]', seconds(dataset.endMs))
    expect(response.status).toBe(200)
    expect(response.body.data.resultType).toBe('matrix')
    const stored = new Map<string, Sample[]>()
    for (const { metric, values } of response.body.data.result as Array<{ metric: Record<string, string>; values: Array<[number, string]> }>) {
      const { __name__: name, ...labels } = metric
      const key = seriesSelector({ name: name as string, labels: Object.fromEntries(Object.entries(labels).sort()) })
      stored.set(key, values.map(([t, v]) => [Math.round(t * 1000), parseValue(v)]))
    }
    expect(stored.size).toBe(dataset.series.length)
    for (const s of dataset.series) {
      const key = seriesSelector({ name: s.name, labels: Object.fromEntries(Object.entries(s.labels).sort()) })
      // toEqual treats NaN as equal to NaN, as the differential tests do.
      expect(stored.get(key), key).toEqual(s.samples)
    }
    const special = dataset.series.flatMap((s) => s.samples.map(([, v]) => v)).filter((v) => !Number.isFinite(v))
    expect(special.filter(Number.isNaN).length).toBeGreaterThan(0)
    expect(special).toContain(Infinity)
    expect(special).toContain(-Infinity)
  })

  it('is generated the same on every run, and as text exposition Prometheus parses too', () => {
    expect(generateDataset().openMetrics).toBe(dataset.openMetrics)
    expect(dataset.series.length).toBeGreaterThan(200)
    // promtool lints while it parses: exit 3 for lint findings (node_exporter's own camelCase
    // name), 1 for a text it cannot parse.
    const lint = spawnSync(findPrometheusBinaries().promtool, ['check', 'metrics'], { input: toPrometheusText(dataset.families), encoding: 'utf8' })
    expect(`${lint.stdout}${lint.stderr}`.trim()).toBe("node_memory_MemAvailable_bytes metric names should be written in 'snake_case' not 'camelCase'")
    expect(lint.status).toBe(3)
  })

  it('counts the series the 5 minute lookback sees, gaps and restarts included', async () => {
    // 00:22 inside api-1's 4 min gap, 01:15 and 01:20 inside host-c's outage, 01:35 after the
    // batch job ended, 01:59:59.
    for (const tMs of [at(22), at(30), at(75), at(80), at(95), dataset.endMs - 1000]) {
      const visible = dataset.series.filter((s) => s.samples.some(([t]) => t >= tMs - LOOKBACK_MS && t <= tMs)).length
      const response = await prometheus.query('count({__name__=~".+"})', seconds(tMs))
      expect(response.body.data.result[0].value[1], new Date(tMs).toISOString()).toBe(String(visible))
    }
    // The lookback hides host-c during its outage but not api-1 during its 4 min gap.
    const hostC = await prometheus.query('count(node_load1)', seconds(at(80)))
    expect(hostC.body.data.result[0].value[1]).toBe('2')
    const api1 = await prometheus.query('count(process_resident_memory_bytes{job="api"})', seconds(at(23)))
    expect(api1.body.data.result[0].value[1]).toBe('2')
  })

  it('includes a sample exactly 5 minutes old (the 2.x lookback boundary)', async () => {
    // lookback_probe has samples at 00:15:00 and next at 00:21:00.
    const onBoundary = await prometheus.query('lookback_probe', seconds(at(20)))
    expect(onBoundary.body.data.result.map((r: any) => r.value)).toEqual([[seconds(at(20)), '41']])
    const justPast = await prometheus.query('lookback_probe', seconds(at(20) + 1))
    expect(justPast.body.data.result).toEqual([])
  })

  it('computes rate() over a counter as worked out by hand from the data set', async () => {
    const cases = [
      { series: series('node_cpu_seconds_total', { instance: 'host-a:9100', cpu: '0', mode: 'user' }), tMs: at(60), rangeMs: 5 * MINUTE },
      // Over host-b's restart at 00:47: the reset is added back.
      { series: series('node_cpu_seconds_total', { instance: 'host-b:9100', cpu: '1', mode: 'idle' }), tMs: at(49), rangeMs: 5 * MINUTE },
      { series: series('http_requests_total', { instance: 'api-2:8080', handler: '/metrics', code: '200' }), tMs: at(66) + 7_500, rangeMs: 2 * MINUTE }
    ]
    for (const { series: s, tMs, rangeMs } of cases) {
      const expected = expectedRate(s.samples, tMs, rangeMs)
      const response = await prometheus.query(`rate(${seriesSelector(s)}[${rangeMs / 1000}s])`, seconds(tMs))
      expect(response.body.data.result).toHaveLength(1)
      expect(Number(response.body.data.result[0].value[1]), seriesSelector(s)).toBe(expected)
    }
    const reset = cases[1]?.series.samples.filter(([t]) => t >= at(44) && t <= at(49)) ?? []
    expect(reset.some(([, v], i) => i > 0 && v < (reset[i - 1] as Sample)[1])).toBe(true)
  })

  it('answers query_range as a matrix: one series per label set, a point per step', async () => {
    const start = seconds(at(15))
    const response = await prometheus.queryRange('sum by (instance) (rate(http_requests_total{code="200"}[5m]))', start, seconds(at(30)), 60)
    expect(response.status).toBe(200)
    expect(response.body.status).toBe('success')
    expect(response.body.data.resultType).toBe('matrix')
    const result = response.body.data.result as Array<{ metric: Record<string, string>; values: Array<[number, string]> }>
    expect(result.map((r) => r.metric)).toEqual([{ instance: 'api-1:8080' }, { instance: 'api-2:8080' }])
    // api-1 is down 00:20–00:24, yet every 5 min window still holds two of its samples.
    for (const { values } of result) {
      expect(values.map(([t]) => t)).toEqual(Array.from({ length: 16 }, (_, k) => start + 60 * k))
      for (const [, v] of values) expect(Number(v)).toBeGreaterThan(0)
    }

    const empty = await prometheus.queryRange('nonexistent_metric', start, seconds(at(30)), '1m')
    expect(empty.text).toBe('{"status":"success","data":{"resultType":"matrix","result":[]}}')
  })

  it('answers a parse error with bad_data, HTTP 400 and the position', async () => {
    const instant = await prometheus.query('foo(', 4)
    expect(instant.status).toBe(400)
    expect(instant.body).toEqual({ status: 'error', errorType: 'bad_data', error: 'invalid parameter "query": 1:5: parse error: unclosed left parenthesis' })
    // query_range does not wrap the parser's error.
    const range = await prometheus.queryRange('foo(', 0, 60, 15)
    expect(range.status).toBe(400)
    expect(range.body).toEqual({ status: 'error', errorType: 'bad_data', error: '1:5: parse error: unclosed left parenthesis' })
  })

  it("answers Grafana's Save & test (1+1 at time=4)", async () => {
    const response = await prometheus.query('1+1', 4)
    expect(response.status).toBe(200)
    expect(response.contentType).toBe('application/json')
    expect(response.text).toBe('{"status":"success","data":{"resultType":"scalar","result":[4,"2"]}}')
  })

  it('still answers everything as test/fixtures/prometheus-2.42-responses.json recorded it', async () => {
    const recorded = JSON.parse(readFileSync(FIXTURE_FILE, 'utf8'))
    const live = JSON.parse(JSON.stringify(await recordResponses(prometheus)))
    expect(live).toEqual(recorded)
  })
})
