// The PromQL engine against the real Prometheus 2.42 (issue 15): the same queries go to a
// throwaway Prometheus over the generated data set and to the engine reading the same samples
// through a MemorySeriesSource, and the answers must agree — result type, label sets, order
// (where 2.42's order is defined), every point's time, values within a relative tolerance of
// 1e-5 (NaN equal to NaN), and for errors the error type and text. The queries and the
// comparison are shared with the test of the HTTP API (test/helpers/promql-cases.ts).
import { spawn } from 'node:child_process'
import { cpSync, existsSync, readdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { queryInstant, queryRange, queryErrorType, MemorySeriesSource, type EngineOptions } from '../../src/main/prometheus/promql/engine'
import { Labels, type Value } from '../../src/main/prometheus/promql/kernels/values'
import {
  at,
  both,
  CASES,
  caseRequests,
  dataset,
  difference,
  fromPrometheus,
  FEW_TIMES,
  instant,
  MINUTE,
  MINUTES,
  ODD,
  ranged,
  SECOND,
  TIMES,
  type Case,
  type CaseRequest,
  type Outcome
} from '../helpers/promql-cases'
import { findPrometheusBinaries, startPrometheusReference, type ApiParams, type PrometheusReference, type PrometheusResponse } from '../helpers/prometheus-reference'
import { freePort } from '../helpers/sshd'
import { makeTempDir } from '../helpers/temp-dir'

const source = new MemorySeriesSource(
  dataset.series.map((s) => ({
    labels: { __name__: s.name, ...s.labels },
    timestamps: s.samples.map(([t]) => t),
    values: s.samples.map(([, v]) => v)
  }))
)

function fromEngine(value: Value): Outcome {
  switch (value.type) {
    case 'vector':
      return { kind: 'result', resultType: 'vector', series: value.samples.map((s) => ({ labels: s.labels, points: [[s.t, s.v]] })) }
    case 'matrix':
      return { kind: 'result', resultType: 'matrix', series: value.series.map((s) => ({ labels: s.labels, points: s.points.map((p) => [p.t, p.v]) })) }
    case 'scalar':
      return { kind: 'result', resultType: 'scalar', series: [{ labels: Labels.EMPTY, points: [[value.t, value.v]] }] }
    case 'string':
      return { kind: 'result', resultType: 'string', series: [{ labels: Labels.EMPTY, points: [[value.t, value.v]] }] }
  }
}

async function engineOutcome(run: () => Promise<Value>): Promise<Outcome> {
  try {
    return fromEngine(await run())
  } catch (err) {
    return { kind: 'error', errorType: queryErrorType(err), message: (err as Error).message }
  }
}



type Run = CaseRequest & {
  prometheus: (p: Queryable) => Promise<PrometheusResponse>
  engine: (options?: EngineOptions) => Promise<Value>
}

type Queryable = Pick<PrometheusReference, 'query' | 'queryRange'>

function* runs(c: Case): Generator<Run> {
  const params: ApiParams = c.timeoutMs === undefined ? {} : { timeout: `${c.timeoutMs}ms` }
  const options: EngineOptions = c.timeoutMs === undefined ? {} : { timeoutMs: c.timeoutMs }
  for (const request of caseRequests(c)) {
    if (request.kind === 'instant') {
      const t = request.timeMs
      yield { ...request, prometheus: (p) => p.query(c.query, t / 1000, params), engine: (extra) => queryInstant(source, c.query, t, { ...extra, ...options }) }
    } else {
      const { startMs: start, endMs: end, stepMs: step } = request
      yield {
        ...request,
        prometheus: (p) => p.queryRange(c.query, start / 1000, end / 1000, step / 1000, params),
        engine: (extra) => queryRange(source, c.query, start, end, step, { ...extra, ...options })
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------
// A second Prometheus over the same blocks with other engine settings: a sample limit small
// enough to reach, a 2 m lookback, and a 30 s evaluation interval (the default subquery step).

const TUNED_OPTIONS: EngineOptions = { maxSamples: 1000, lookbackDeltaMs: 2 * MINUTE, defaultSubqueryStepMs: 30 * SECOND }
const TUNED_FLAGS = ['--query.max-samples=1000', '--query.lookback-delta=2m']
const TUNED_CONFIG = '# The differential tests\' second Prometheus: nothing to scrape.\nglobal:\n  evaluation_interval: 30s\nscrape_configs: []\n'

const TUNED_CASES: Case[] = [
  both('up', TIMES),
  instant('lookback_probe', [at(10), at(12), at(12) + 1, at(15) + 2 * MINUTE, at(17) + 1]),
  ranged('lookback_probe', [at(5), at(40), 30 * SECOND]),
  both('batch_records_processed_total'),
  both('absent(batch_job_progress_ratio)', FEW_TIMES, MINUTES),
  instant('node_load1[10m:]'),
  both('max_over_time(node_load1[10m:])'),
  both('sum_over_time(up[7m:])', FEW_TIMES, ODD)
]

/** A query made bigger rung by rung: the limit trips somewhere on the way up, at the same rung in both. */
interface Ladder {
  rung: (n: number) => Case
  top: number
}

/** A range query over n steps of 15 s from the data set's start: more steps, more samples. */
const steps = (query: string, top = 480): Ladder => ({ rung: (n) => ranged(query, [at(0), at(0) + n * 15 * SECOND, 15 * SECOND]), top })
const LADDERS: Ladder[] = [
  steps('up'),
  steps('sum(up)'),
  steps('up + up'),
  steps('-up'),
  steps(`up @ ${at(20) / 1000}`),
  steps('timestamp(up)'),
  steps('topk(3, up)'),
  steps('label_replace(up, "a", "b", "job", ".*")'),
  steps('rate(node_cpu_seconds_total{instance="host-a:9100"}[5m])'),
  steps('max_over_time(up[5m:1m])'),
  steps('rate(node_load1[3m:30s])'),
  steps('vector(1)', 1200),
  steps('absent(nonexistent)', 1200),
  { rung: (n) => instant(`node_cpu_seconds_total{instance="host-a:9100"}[${n}s]`, [at(100)]), top: 3600 },
  { rung: (n) => instant(`max_over_time(up[${n}m:1m])`, [at(110)]), top: 110 },
  { rung: (n) => instant(`sum_over_time(up[${n}m:20s])`, [at(110)]), top: 110 }
]

interface TunedPrometheus extends Queryable {
  stop(): Promise<void>
}

async function fetchResponse(url: string): Promise<PrometheusResponse> {
  const response = await fetch(url)
  const text = await response.text()
  let body: any
  try {
    body = JSON.parse(text)
  } catch {
    body = undefined
  }
  return { status: response.status, body, text, contentType: response.headers.get('content-type') ?? '' }
}

async function waitUntilReady(url: string, exited: Promise<unknown>): Promise<void> {
  let gone = false
  void exited.then(() => (gone = true))
  for (const deadline = Date.now() + 30_000; Date.now() < deadline && !gone; ) {
    const ready = await fetch(`${url}/-/ready`).then((r) => r.ok, () => false)
    if (ready) return
    await new Promise((resolve) => setTimeout(resolve, 200))
  }
  throw new Error(`the second Prometheus did not get ready${gone ? ': it exited' : ' within 30 s'}`)
}

/** Starts Prometheus over copies of the reference's blocks (not its head or lock) with TUNED_FLAGS. */
async function startTunedPrometheus(reference: PrometheusReference): Promise<TunedPrometheus> {
  const temp = makeTempDir('vigil-prometheus-tuned-')
  const dataDir = join(temp.dir, 'data')
  for (const entry of readdirSync(reference.dataDir)) {
    if (existsSync(join(reference.dataDir, entry, 'meta.json'))) cpSync(join(reference.dataDir, entry), join(dataDir, entry), { recursive: true })
  }
  const configFile = join(temp.dir, 'prometheus.yml')
  writeFileSync(configFile, TUNED_CONFIG)
  const url = `http://127.0.0.1:${await freePort()}`
  const args = [`--config.file=${configFile}`, `--storage.tsdb.path=${dataDir}`, '--storage.tsdb.retention.time=100y', `--web.listen-address=${url.slice(7)}`, ...TUNED_FLAGS]
  const child = spawn(findPrometheusBinaries().prometheus, args, { stdio: 'ignore' })
  const exited = new Promise((resolve) => child.once('exit', resolve))
  const kill = (): void => void child.kill('SIGKILL')
  process.once('exit', kill)
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM')
    await exited
    process.off('exit', kill)
    temp.remove()
  }
  try {
    await waitUntilReady(url, exited)
  } catch (err) {
    kill()
    await stop()
    throw err
  }
  const get = (path: string, params: ApiParams): Promise<PrometheusResponse> => {
    const search = new URLSearchParams(Object.entries(params).flatMap(([k, v]) => (v === undefined ? [] : [[k, String(v)]])))
    return fetchResponse(`${url}${path}?${search}`)
  }
  return {
    query: (query, time, params) => get('/api/v1/query', { query, time: time as number, ...params }),
    queryRange: (query, start, end, step, params) => get('/api/v1/query_range', { query, start: start as number, end: end as number, step: step as number, ...params }),
    stop
  }
}

/** Differences 2.42 and the engine may keep, each with the reason; keep it empty. */
const ALLOWED: Record<string, string> = {}

describe('the PromQL engine against Prometheus 2.42', () => {
  let prometheus: PrometheusReference
  let tuned: TunedPrometheus
  let equal = 0
  let total = 0
  const expressions = new Set<string>()

  beforeAll(async () => {
    prometheus = await startPrometheusReference({ dataset })
    tuned = await startTunedPrometheus(prometheus)
  })

  afterAll(async () => {
    await Promise.all([tuned?.stop(), prometheus?.stop()])
    console.log(`promql engine vs Prometheus 2.42: ${equal}/${total} queries equal (${expressions.size} expressions, instant and range)`)
  })

  /** Runs one query on both sides; returns the difference (null when equal) and what Prometheus answered. */
  async function compare(run: Run, reference: Queryable, options?: EngineOptions): Promise<{ diff: string | null; expected: Outcome }> {
    total++
    expressions.add(run.query)
    const expected = fromPrometheus(await run.prometheus(reference))
    const actual = await engineOutcome(() => run.engine(options))
    const diff = difference(expected, actual, run)
    if (diff === null) equal++
    return { diff: diff !== null && run.label in ALLOWED ? null : diff, expected }
  }

  async function compareAll(cases: Case[], reference: Queryable, options?: EngineOptions): Promise<string[]> {
    const failures: string[] = []
    for (const c of cases) {
      for (const run of runs(c)) {
        const { diff } = await compare(run, reference, options)
        if (diff !== null) failures.push(`${run.label}: ${diff}`)
      }
    }
    return failures
  }

  it('answers every query as 2.42 does', async () => {
    expect(await compareAll(CASES, prometheus)).toEqual([])
  }, 60_000)

  it('looks back, and steps subqueries, by the configured lengths', async () => {
    expect(await compareAll(TUNED_CASES, tuned, TUNED_OPTIONS)).toEqual([])
  })

  it('runs out of samples at the same point as 2.42', async () => {
    const failures: string[] = []
    for (const ladder of LADDERS) {
      // Bisect for the last rung 2.42 answers, comparing every rung tried.
      let answered = 0
      let refused = ladder.top + 1
      while (refused - answered > 1) {
        const n = (answered + refused) >> 1
        const [run] = [...runs(ladder.rung(n))] as [Run]
        const { diff, expected } = await compare(run, tuned, TUNED_OPTIONS)
        if (diff !== null) failures.push(`${run.label}: ${diff}`)
        if (expected.kind === 'error') refused = n
        else answered = n
      }
    }
    expect(failures).toEqual([])
  }, 30_000)
})

