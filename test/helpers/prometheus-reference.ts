// A throwaway Prometheus 2.42 (Debian's `prometheus` and `promtool`) over one data set: the
// reference side of the PromQL differential tests (issue 15).
//
//   startPrometheusReference(options?): Promise<PrometheusReference>
//   findPrometheusBinaries(): { prometheus, promtool }       or a clear error naming the install script
//   prometheusVersion(): string                             `prometheus --version`'s first line
//
//   PrometheusReference
//     url 'http://127.0.0.1:<port>', port, dataDir, dataset (null without one), version (as status/buildinfo says)
//     query(expr, time?, params?)                  GET /api/v1/query
//     queryRange(expr, start, end, step, params?)  GET /api/v1/query_range
//     get(path, params?) / post(path, params?)     any endpoint; POST sends a form, as Grafana does
//        → { status, body (parsed JSON), text (the raw body), contentType }
//     log(): string                                what Prometheus printed so far
//     stop(): Promise<void>                        SIGTERM (SIGKILL after 10 s), temp dir removed; idempotent
//
// Times are what the HTTP API takes: a number is unix seconds (1767225600.5), a string is sent
// as it is (RFC3339, or anything the test wants Prometheus to reject). `params` values that are
// arrays are sent as repeated parameters (`match[]`).
//
// How: the data set's OpenMetrics text goes through `promtool tsdb create-blocks-from
// openmetrics` into a fresh data dir, and Prometheus starts over it with a config without
// scrape configs (so it reaches nothing on the network), on 127.0.0.1 and a free port, with a
// 100-year retention (old backfilled blocks are never deleted). The data sits in blocks in the
// past; the head stays empty, so nothing is "out of bounds". Startup waits for Prometheus' own
// "Server is ready to receive web requests." line (or its exit, or 30 s), checks /-/ready, and
// then that every series of the data set is there (the series API over the data set's range).
//
// A scraping Prometheus (the scrape tests): `{ dataset: null, scrapeConfigs: '<YAML list>' }`
// starts it over an empty data dir with those scrape configs (on loopback targets the test
// started) instead of a backfilled data set.
//
// What it leaves behind: nothing. stop() removes the temp dir after the process is gone, and a
// process 'exit' handler kills any Prometheus a crashed test did not stop and removes its dir.
import { execFile, execFileSync, spawn, type ChildProcessWithoutNullStreams } from 'node:child_process'
import { accessSync, constants, writeFileSync } from 'node:fs'
import { delimiter, join } from 'node:path'
import { promisify } from 'node:util'
import { generateDataset, type Dataset } from './openmetrics-dataset'
import { freePort } from './sshd'
import { makeTempDir } from './temp-dir'

const run = promisify(execFile)

const START_TIMEOUT_MS = 30_000
const STOP_TIMEOUT_MS = 10_000
const PORT_TRIES = 5
const READY_LINE = 'Server is ready to receive web requests.'
const LOG_LIMIT = 200_000

/** A time as the HTTP API takes it: a number is unix seconds; a string goes as it is. */
export type PromTime = number | string
export type ApiParams = Record<string, string | number | readonly (string | number)[] | undefined>

export interface PrometheusResponse<T = any> {
  /** HTTP status. */
  status: number
  /** The body parsed as JSON; undefined when it is not JSON. */
  body: T
  /** The body as sent, for what JSON.parse hides (e.g. `4.500` vs `4.5`). */
  text: string
  contentType: string
}

export interface PrometheusReference {
  url: string
  port: number
  /** The TSDB directory (blocks made by promtool). */
  dataDir: string
  dataset: Dataset | null
  /** As status/buildinfo reports it, e.g. "2.42.0+ds". */
  version: string
  query(expr: string, time?: PromTime, params?: ApiParams): Promise<PrometheusResponse>
  queryRange(expr: string, start: PromTime, end: PromTime, step: number | string, params?: ApiParams): Promise<PrometheusResponse>
  get(path: string, params?: ApiParams): Promise<PrometheusResponse>
  post(path: string, params?: ApiParams): Promise<PrometheusResponse>
  log(): string
  /** Kills Prometheus (SIGKILL: no clean shutdown) and, once `whileDown` has run, starts it again on the same data dir and port. */
  killAndRestart(whileDown?: () => Promise<void>): Promise<void>
  stop(): Promise<void>
}

export interface PrometheusReferenceOptions {
  /** Default: generateDataset(); null for none (a Prometheus that scrapes). */
  dataset?: Dataset | null
  /** The YAML of a `scrape_configs:` list (indented as its items), for a Prometheus that scrapes. */
  scrapeConfigs?: string
  /** More command-line flags, e.g. --web.enable-remote-write-receiver. */
  flags?: readonly string[]
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK)
    return true
  } catch {
    return false
  }
}

/** Absolute paths of `prometheus` and `promtool` (PATH, then /usr/bin), or an error saying how to get them. */
export function findPrometheusBinaries(): { prometheus: string; promtool: string } {
  const dirs = [...(process.env.PATH ?? '').split(delimiter), '/usr/bin']
  const find = (name: string): string | undefined => dirs.map((dir) => join(dir, name)).find((path) => path !== name && isExecutable(path))
  const prometheus = find('prometheus')
  const promtool = find('promtool')
  if (!prometheus || !promtool) {
    throw new Error(
      'prometheus and promtool are missing: the differential tests run the real Prometheus 2.42 ' +
        "(Debian's `prometheus` package); bash scripts/install-test-deps.sh installs it."
    )
  }
  return { prometheus, promtool }
}

/** `prometheus --version`'s first line, e.g. "prometheus, version 2.42.0+ds (branch: debian/sid, …)". */
export function prometheusVersion(): string {
  const { prometheus } = findPrometheusBinaries()
  // Older releases print the version on stderr.
  const output = execFileSync(prometheus, ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })
  return output.split('\n')[0] ?? ''
}

// Processes still running and the temp dirs to remove, for the 'exit' handler.
const live = new Map<ChildProcessWithoutNullStreams, () => void>()

// A crashed or interrupted test run must not leave a Prometheus listening. Only synchronous work runs in 'exit'.
process.once('exit', () => {
  for (const [child, removeDir] of live) {
    child.kill('SIGKILL')
    removeDir()
  }
})

function toParam(value: string | number): string {
  return typeof value === 'number' ? String(value) : value
}

/** Parameters as a query string or form body, a repeated one (`match[]`) once per value. */
export function encodeParams(params: ApiParams = {}): URLSearchParams {
  const search = new URLSearchParams()
  for (const [name, value] of Object.entries(params)) {
    if (value === undefined) continue
    if (Array.isArray(value)) for (const item of value as readonly (string | number)[]) search.append(name, toParam(item))
    else search.append(name, toParam(value as string | number))
  }
  return search
}

async function readResponse(response: Response): Promise<PrometheusResponse> {
  const text = await response.text()
  const contentType = response.headers.get('content-type') ?? ''
  let body: any
  try {
    body = JSON.parse(text)
  } catch {
    body = undefined
  }
  return { status: response.status, body, text, contentType }
}

interface Started {
  child: ChildProcessWithoutNullStreams
  exited: Promise<void>
  args: string[]
}

/**
 * Spawns Prometheus and resolves once it says it is ready; rejects if it exits first (with
 * `inUse` when the port was taken) or does not get ready in time.
 */
function spawnPrometheus(binary: string, args: string[], appendLog: (text: string) => void): Promise<Started> {
  return new Promise((resolve, reject) => {
    const child = spawn(binary, args, { stdio: 'pipe' })
    const exited = new Promise<void>((resolveExit) => child.once('exit', () => resolveExit()))
    let startupOutput = ''
    let ready = false
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      reject(new Error(`Prometheus did not get ready within ${START_TIMEOUT_MS / 1000} s:\n${startupOutput}`))
    }, START_TIMEOUT_MS)
    const onData = (chunk: Buffer): void => {
      const text = chunk.toString()
      appendLog(text)
      if (ready) return
      startupOutput += text
      if (startupOutput.includes(READY_LINE)) {
        ready = true
        clearTimeout(timer)
        child.off('exit', onExit)
        resolve({ child, exited, args })
      }
    }
    const onExit = (code: number | null, signal: NodeJS.Signals | null): void => {
      clearTimeout(timer)
      const error = new Error(`Prometheus exited (${signal ?? code}) before it was ready:\n${startupOutput}`) as Error & { inUse?: boolean }
      error.inUse = /address already in use/.test(startupOutput)
      reject(error)
    }
    child.stdout.on('data', onData)
    child.stderr.on('data', onData)
    child.once('exit', onExit)
    child.once('error', (err) => {
      clearTimeout(timer)
      reject(err)
    })
  })
}

export async function startPrometheusReference(options: PrometheusReferenceOptions = {}): Promise<PrometheusReference> {
  const binaries = findPrometheusBinaries()
  const dataset = options.dataset === null ? null : (options.dataset ?? generateDataset())
  const temp = makeTempDir('vigil-prometheus-')
  const dataDir = join(temp.dir, 'data')
  const openMetricsFile = join(temp.dir, 'dataset.om')
  const configFile = join(temp.dir, 'prometheus.yml')
  let log = ''
  const appendLog = (text: string): void => {
    log = (log + text).slice(-LOG_LIMIT)
  }

  let started: Started | undefined
  try {
    if (options.scrapeConfigs !== undefined) {
      writeFileSync(configFile, `# A throwaway Prometheus for the scrape tests: loopback targets only.\nscrape_configs:\n${options.scrapeConfigs}\n`)
    } else {
      // No scrape configs, no rule files, no alertmanagers: Prometheus reaches nothing.
      writeFileSync(configFile, '# A throwaway Prometheus for the differential tests: nothing to scrape.\nscrape_configs: []\n')
    }
    if (dataset) {
      writeFileSync(openMetricsFile, dataset.openMetrics)
      try {
        const { stdout } = await run(binaries.promtool, ['tsdb', 'create-blocks-from', 'openmetrics', openMetricsFile, dataDir], {
          maxBuffer: 16 * 1024 * 1024
        })
        appendLog(`promtool:\n${stdout}\n`)
      } catch (err) {
        const { stdout, stderr } = err as { stdout?: string; stderr?: string }
        throw new Error(`promtool could not backfill the data set: ${(err as Error).message}\n${stdout ?? ''}${stderr ?? ''}`)
      }
    }

    let port = 0
    for (let tries = 1; !started; tries++) {
      port = await freePort()
      const args = [
        `--config.file=${configFile}`,
        `--storage.tsdb.path=${dataDir}`,
        '--storage.tsdb.retention.time=100y',
        `--web.listen-address=127.0.0.1:${port}`,
        ...(options.flags ?? [])
      ]
      try {
        started = await spawnPrometheus(binaries.prometheus, args, appendLog)
      } catch (err) {
        // Another process may take the port between freePort() and Prometheus binding it.
        if (!(err as { inUse?: boolean }).inUse || tries >= PORT_TRIES) throw err
      }
    }
    let { child, exited } = started
    live.set(child, temp.remove)
    const args = started.args

    const url = `http://127.0.0.1:${port}`
    const get = async (path: string, params?: ApiParams): Promise<PrometheusResponse> => {
      const search = encodeParams(params).toString()
      return readResponse(await fetch(`${url}${path}${search ? `?${search}` : ''}`))
    }
    const post = async (path: string, params?: ApiParams): Promise<PrometheusResponse> =>
      readResponse(await fetch(`${url}${path}`, { method: 'POST', body: encodeParams(params) }))

    let stopped: Promise<void> | undefined
    const stop = (): Promise<void> => {
      stopped ??= (async () => {
        if (child.exitCode === null && child.signalCode === null) {
          child.kill('SIGTERM')
          const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS)
          await exited
          clearTimeout(timer)
        }
        live.delete(child)
        temp.remove()
      })()
      return stopped
    }

    const reference: PrometheusReference = {
      url,
      port,
      dataDir,
      dataset,
      version: '',
      query: (expr, time, params) => get('/api/v1/query', { query: expr, time, ...params }),
      queryRange: (expr, start, end, step, params) => get('/api/v1/query_range', { query: expr, start, end, step, ...params }),
      get,
      post,
      log: () => log,
      async killAndRestart(whileDown) {
        child.kill('SIGKILL')
        await exited
        live.delete(child)
        await whileDown?.()
        const again = await spawnPrometheus(binaries.prometheus, args, appendLog)
        child = again.child
        exited = again.exited
        live.set(child, temp.remove)
      },
      stop
    }

    try {
      const ready = await get('/-/ready')
      if (ready.status !== 200) throw new Error(`/-/ready answered ${ready.status}: ${ready.text}`)
      const buildinfo = await get('/api/v1/status/buildinfo')
      reference.version = String(buildinfo.body?.data?.version ?? '')
      // The blocks are loaded when every series of the data set is found over its range.
      if (!dataset) return reference
      const series = await get('/api/v1/series', {
        'match[]': '{__name__=~".+"}',
        start: dataset.startMs / 1000,
        end: dataset.endMs / 1000
      })
      const found = Array.isArray(series.body?.data) ? series.body.data.length : -1
      if (found !== dataset.series.length) {
        throw new Error(`Prometheus holds ${found} series of the data set's ${dataset.series.length} (${series.status}: ${series.text.slice(0, 500)})`)
      }
    } catch (err) {
      throw new Error(`${(err as Error).message}\nPrometheus log:\n${log}`)
    }
    return reference
  } catch (err) {
    if (started) {
      started.child.kill('SIGKILL')
      await started.exited
      live.delete(started.child)
    }
    temp.remove()
    throw err
  }
}
