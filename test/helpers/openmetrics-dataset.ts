// One deterministic data set for the PromQL differential tests (issue 15): the same samples go
// into the real Prometheus 2.42 (as OpenMetrics text, through `promtool tsdb create-blocks-from
// openmetrics`) and into Vigil (from the plain structures, or the text exposition format with
// millisecond timestamps that the import endpoint reads).
//
//   generateDataset(options?): Dataset      seed 15 and 2026-01-01T00:00:00Z..02:00:00Z by default
//   toOpenMetrics(families): string          OpenMetrics 1.0 text, timestamps in seconds, `# EOF`
//   toPrometheusText(families): string       text exposition format, timestamps in milliseconds
//   seriesSelector(series): string           `name{label="value",…}`, to query one series
//
// What is in it (about 240 series, 2 h at a 15 s scrape interval): six scrape targets in four
// jobs — node (host-a, host-b, host-c), api (api-1, api-2), sensors, batch — and for each the
// families a real one exposes:
//   - counters: node_cpu_seconds_total{cpu,mode}, node_disk_read_bytes_total{device},
//     node_network_receive_bytes_total{device}, http_requests_total{handler,method,code} (code
//     500 moves in rare steps), batch_records_processed_total;
//   - gauges: up, node_load1, node_memory_MemAvailable_bytes, node_filesystem_avail_bytes
//     {device,mountpoint,fstype} (`/` fills up, for predict_linear), node_boot_time_seconds,
//     process_resident_memory_bytes, temperature_celsius{location} (below zero too),
//     sensor_humidity_ratio{location} (a few NaN, one +Inf, one -Inf), info-style series at 1
//     for group_left (node_uname_info, api_build_info), batch_job_progress_ratio, lookback_probe;
//   - a classic histogram http_request_duration_seconds{handler} (`_bucket{le}` up to "+Inf",
//     `_sum`, `_count`; `le` written as OpenMetrics exposers do: "0.005", "1.0", "+Inf") and a
//     summary rpc_duration_seconds{service} (quantile 0.5/0.9/0.99).
// And what makes lookback and staleness matter:
//   - host-b restarts at 00:47 and api-2 at 01:05: their counters reset, boot time and
//     api_build_info's version change (one series ends, another begins);
//   - host-c is down 01:10–01:22:30 (12.5 min) and api-1 00:20–00:24 (4 min, inside the 5 min
//     lookback): only `up` (0) is written meanwhile;
//   - batch_job_progress_ratio lives 00:40–01:30 only; batch_records_processed_total stops at
//     00:30 and comes back (from 0) at 01:15;
//   - lookback_probe is written at whole seconds (no jitter) with gaps of exactly 5 min
//     (00:10 → 00:15) and 6 min (00:15 → 00:21), for the lookback boundary.
//
// Timestamps: a target's series share each scrape's timestamp, as in a real scrape (and as a
// histogram's buckets must); each target has its own phase within the 15 s interval and a
// jitter of up to ±50 ms per scrape. OpenMetrics wants seconds, and Prometheus turns them into
// milliseconds with `int64(seconds * 1000)`, which truncates: "1.007" comes back as 1006 ms.
// Times of this century always come back whole, but the generator checks every scrape time
// (timestampRoundTrips) and moves one that would not by a millisecond, so both sides see
// identical timestamps from any start. Values are written in their shortest round-trip form,
// so they come back bit for bit.
//
// Staleness markers cannot be written in OpenMetrics text: a series that stops is a gap, and
// stays visible for the 5 min lookback after its last sample, in Prometheus and in Vigil alike.
import { seededRandom } from './seeded-random'

export type MetricType = 'counter' | 'gauge' | 'histogram' | 'summary'
export type Labels = Record<string, string>
/** [unix milliseconds, value] */
export type Sample = [tsMs: number, value: number]

export interface DatasetSeries {
  /** The sample name, e.g. `node_cpu_seconds_total` or `http_request_duration_seconds_bucket`. */
  name: string
  /** Without `__name__`, in the order they are written. */
  labels: Labels
  /** Ascending timestamps. */
  samples: Sample[]
}

export interface MetricFamily {
  /** OpenMetrics family name: a counter's without `_total`, a histogram's without `_bucket`. */
  name: string
  type: MetricType
  help: string
  series: DatasetSeries[]
}

export interface Dataset {
  seed: number
  /** First possible sample time (unix ms): 2026-01-01T00:00:00Z unless asked otherwise. */
  startMs: number
  /** Last possible sample time (unix ms), inclusive. */
  endMs: number
  scrapeIntervalMs: number
  families: MetricFamily[]
  /** Every series of every family, in the order written. */
  series: DatasetSeries[]
  /** The whole data set as OpenMetrics 1.0 text. */
  openMetrics: string
}

export interface DatasetOptions {
  seed?: number
  /** Unix ms; a whole second. Default 2026-01-01T00:00:00Z. */
  startMs?: number
  /** Default 2 hours. The scripted events (restarts, outages…) sit in the first two hours. */
  durationMs?: number
}

export const DEFAULT_SEED = 15
export const DATASET_START_MS = Date.UTC(2026, 0, 1)
export const DATASET_DURATION_MS = 2 * 3_600_000
export const SCRAPE_INTERVAL_MS = 15_000
const MAX_JITTER_MS = 50

const MINUTE = 60_000
const HISTOGRAM_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]
const SUMMARY_QUANTILES = [0.5, 0.9, 0.99]

// ---------------------------------------------------------------------------------------------
// Text formats

/** Seconds with at most three decimals, as written in OpenMetrics: 1767225600.123, 1767225600. */
export function openMetricsTimestamp(ms: number): string {
  const seconds = Math.floor(ms / 1000)
  const millis = ms - seconds * 1000
  return millis === 0 ? String(seconds) : `${seconds}.${String(millis).padStart(3, '0')}`
}

/** Whether Prometheus reads openMetricsTimestamp(ms) back as `ms` (its parser truncates seconds × 1000). */
export function timestampRoundTrips(ms: number): boolean {
  return Math.trunc(Number(openMetricsTimestamp(ms)) * 1000) === ms
}

/** A sample value as both text formats write it: shortest round-trip digits, `NaN`, `+Inf`, `-Inf`. */
export function formatSampleValue(value: number): string {
  if (Number.isNaN(value)) return 'NaN'
  if (value === Infinity) return '+Inf'
  if (value === -Infinity) return '-Inf'
  return String(value)
}

function escapeLabelValue(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')
}

function formatLabels(labels: Labels): string {
  const pairs = Object.entries(labels).map(([name, value]) => `${name}="${escapeLabelValue(value)}"`)
  return pairs.length === 0 ? '' : `{${pairs.join(',')}}`
}

/** `name{label="value",…}`: a PromQL selector matching exactly this series' labels. */
export function seriesSelector(series: Pick<DatasetSeries, 'name' | 'labels'>): string {
  return `${series.name}${formatLabels(series.labels)}`
}

/**
 * Sample lines of one family in the order OpenMetrics wants them: series by series, and for a
 * histogram or summary, point by point (all of a labelset's buckets/quantiles, then `_count`
 * and `_sum`, at one timestamp).
 */
function familyLines(family: MetricFamily, timestamp: (ms: number) => string): string[] {
  const lines: string[] = []
  const line = (s: DatasetSeries, [t, v]: Sample): string => `${s.name}${formatLabels(s.labels)} ${formatSampleValue(v)} ${timestamp(t)}`
  // Series of one histogram/summary labelset, grouped under the labels without le/quantile.
  const groups = new Map<string, DatasetSeries[]>()
  for (const s of family.series) {
    const { le: _le, quantile: _quantile, ...rest } = s.labels
    const key = formatLabels(rest)
    const group = groups.get(key)
    if (group) group.push(s)
    else groups.set(key, [s])
  }
  for (const group of groups.values()) {
    // Each member holds the same timestamps (one scrape each).
    const first = group[0] as DatasetSeries
    for (let i = 0; i < first.samples.length; i++) {
      for (const s of group) lines.push(line(s, s.samples[i] as Sample))
    }
  }
  return lines
}

/** OpenMetrics 1.0 text: `# TYPE`, `# HELP`, samples with timestamps in seconds, `# EOF`. */
export function toOpenMetrics(families: MetricFamily[]): string {
  const lines: string[] = []
  for (const family of families) {
    lines.push(`# TYPE ${family.name} ${family.type}`, `# HELP ${family.name} ${family.help}`)
    lines.push(...familyLines(family, openMetricsTimestamp))
  }
  lines.push('# EOF')
  return lines.join('\n') + '\n'
}

/** The text exposition format (0.0.4) with millisecond timestamps, as the import endpoint reads it. */
export function toPrometheusText(families: MetricFamily[]): string {
  const lines: string[] = []
  for (const family of families) {
    const name = family.type === 'counter' ? `${family.name}_total` : family.name
    lines.push(`# HELP ${name} ${family.help}`, `# TYPE ${name} ${family.type}`)
    lines.push(...familyLines(family, String))
  }
  return lines.join('\n') + '\n'
}

// ---------------------------------------------------------------------------------------------
// Building blocks

/** FNV-1a, so each target draws from its own stream: adding a family elsewhere changes nothing here. */
function hash(text: string): number {
  let h = 0x811c9dc5
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i)
    h = Math.imul(h, 0x01000193)
  }
  return h >>> 0
}

interface Random {
  (): number
  /** Uniform in [low, high). */
  between(low: number, high: number): number
  /** Standard normal (Box–Muller). */
  normal(): number
  /** A count with mean `mean` (normal approximation, at least 0). */
  count(mean: number): number
}

function random(seed: number, stream: string): Random {
  const next = seededRandom((seed ^ hash(stream)) >>> 0) as Random
  next.between = (low, high) => low + (high - low) * next()
  next.normal = () => Math.sqrt(-2 * Math.log(1 - next())) * Math.cos(2 * Math.PI * next())
  next.count = (mean) => Math.max(0, Math.round(mean + Math.sqrt(mean) * next.normal()))
  return next
}

const round = (value: number, digits: number): number => Math.round(value * 10 ** digits) / 10 ** digits

/** A bucket bound or quantile as OpenMetrics exposers write it: "0.005", "1.0", "10.0". */
const canonicalFloat = (value: number): string => (Number.isInteger(value) ? value.toFixed(1) : String(value))

class FamilyBuilder {
  private readonly byKey = new Map<string, DatasetSeries>()
  readonly family: MetricFamily

  constructor(name: string, type: MetricType, help: string) {
    this.family = { name, type, help, series: [] }
  }

  add(name: string, labels: Labels, t: number, value: number): void {
    const key = `${name}${formatLabels(labels)}`
    let series = this.byKey.get(key)
    if (!series) {
      series = { name, labels: { ...labels }, samples: [] }
      this.byKey.set(key, series)
      this.family.series.push(series)
    }
    // -0 would be written as "0": keep the value as it is read back.
    series.samples.push([t, value === 0 ? 0 : value])
  }
}

interface Window {
  fromMs: number
  toMs: number
}

interface Target {
  job: string
  instance: string
  /** Offsets from the data set's start. */
  outages: Window[]
  restartsAt: number[]
}

interface Scrape {
  t: number
  /** Seconds since the previous scrape (one interval for the first). */
  dt: number
  up: boolean
  /** The target restarted since the previous scrape. */
  restarted: boolean
  /** Offset from the data set's start, for the scripted events. */
  offset: number
}

/** The scrapes of one target: its phase in the interval, jitter, outages and restarts. */
function scrapes(target: Target, startMs: number, endMs: number, rnd: Random): Scrape[] {
  const phase = Math.floor(rnd.between(0, SCRAPE_INTERVAL_MS - 2 * MAX_JITTER_MS)) + MAX_JITTER_MS
  const out: Scrape[] = []
  let previous = startMs + phase - SCRAPE_INTERVAL_MS
  let previousOffset = -Infinity
  for (let nominal = startMs + phase; nominal <= endMs - MAX_JITTER_MS; nominal += SCRAPE_INTERVAL_MS) {
    let t = nominal + Math.round(rnd.between(-MAX_JITTER_MS, MAX_JITTER_MS))
    while (!timestampRoundTrips(t)) t++
    const offset = t - startMs
    out.push({
      t,
      dt: (t - previous) / 1000,
      up: !target.outages.some((w) => offset >= w.fromMs && offset < w.toMs),
      restarted: target.restartsAt.some((r) => r > previousOffset && r <= offset),
      offset
    })
    previous = t
    previousOffset = offset
  }
  return out
}

// ---------------------------------------------------------------------------------------------
// The data set

const NODE_TARGETS: Target[] = [
  { job: 'node', instance: 'host-a:9100', outages: [], restartsAt: [] },
  { job: 'node', instance: 'host-b:9100', outages: [], restartsAt: [47 * MINUTE] },
  { job: 'node', instance: 'host-c:9100', outages: [{ fromMs: 70 * MINUTE, toMs: 82.5 * MINUTE }], restartsAt: [] }
]
const API_TARGETS: Target[] = [
  { job: 'api', instance: 'api-1:8080', outages: [{ fromMs: 20 * MINUTE, toMs: 24 * MINUTE }], restartsAt: [] },
  { job: 'api', instance: 'api-2:8080', outages: [], restartsAt: [65 * MINUTE] }
]
const SENSOR_TARGET: Target = { job: 'sensors', instance: 'weather:9200', outages: [], restartsAt: [] }
const BATCH_TARGET: Target = { job: 'batch', instance: 'pushgateway:9091', outages: [], restartsAt: [] }

const CPU_MODES: Array<[mode: string, share: number]> = [
  ['idle', 0.8],
  ['user', 0.12],
  ['system', 0.05],
  ['iowait', 0.03]
]
const DISKS = ['sda', 'sdb', 'nvme0n1']
const HANDLERS: Array<[handler: string, medianSeconds: number, perSecond: number]> = [
  ['/api/v1/query', 0.04, 4],
  ['/api/v1/query_range', 0.2, 1.5],
  ['/metrics', 0.003, 0.2]
]

export function generateDataset(options: DatasetOptions = {}): Dataset {
  const seed = options.seed ?? DEFAULT_SEED
  const startMs = options.startMs ?? DATASET_START_MS
  const endMs = startMs + (options.durationMs ?? DATASET_DURATION_MS)
  if (startMs % 1000 !== 0) throw new Error('startMs must be a whole second')

  const builders: FamilyBuilder[] = []
  const family = (name: string, type: MetricType, help: string): FamilyBuilder => {
    const builder = new FamilyBuilder(name, type, help)
    builders.push(builder)
    return builder
  }
  const up = family('up', 'gauge', '1 if the last scrape of the target succeeded, 0 if not.')
  const cpu = family('node_cpu_seconds', 'counter', 'Seconds the CPUs spent in each mode.')
  const diskRead = family('node_disk_read_bytes', 'counter', 'The total number of bytes read successfully.')
  const netReceive = family('node_network_receive_bytes', 'counter', 'Network device statistic receive_bytes.')
  const load1 = family('node_load1', 'gauge', '1m load average.')
  const memAvailable = family('node_memory_MemAvailable_bytes', 'gauge', 'Memory information field MemAvailable_bytes.')
  const fsAvail = family('node_filesystem_avail_bytes', 'gauge', 'Filesystem space available to non-root users in bytes.')
  const bootTime = family('node_boot_time_seconds', 'gauge', 'Node boot time, in unixtime.')
  const uname = family('node_uname_info', 'gauge', 'Labeled system information as provided by the uname system call.')
  const requests = family('http_requests', 'counter', 'HTTP requests served, by handler, method and status code.')
  const duration = family('http_request_duration_seconds', 'histogram', 'Latency of HTTP requests.')
  const rpc = family('rpc_duration_seconds', 'summary', 'RPC latency.')
  const rss = family('process_resident_memory_bytes', 'gauge', 'Resident memory size in bytes.')
  const buildInfo = family('api_build_info', 'gauge', 'A metric with a constant 1 value labeled by version and goversion.')
  const temperature = family('temperature_celsius', 'gauge', 'Temperature of a sensor.')
  const humidity = family('sensor_humidity_ratio', 'gauge', 'Relative humidity (0..1); NaN when the sensor reports garbage.')
  const progress = family('batch_job_progress_ratio', 'gauge', 'Progress of a running batch job.')
  const records = family('batch_records_processed', 'counter', 'Records processed by a batch job since it started.')
  const probe = family('lookback_probe', 'gauge', 'Written at whole seconds with 5 and 6 minute gaps, to probe the lookback boundary.')

  const scrapesOf = (target: Target, rnd: Random): Scrape[] => scrapes(target, startMs, endMs, rnd)
  const base = (target: Target): Labels => ({ job: target.job, instance: target.instance })

  for (const target of NODE_TARGETS) {
    const rnd = random(seed, target.instance)
    const labels = base(target)
    let bootSeconds = Math.floor(startMs / 1000 - rnd.between(2, 30) * 86_400)
    const cpuSeconds = new Map<string, number>()
    const uptimeAtStart = startMs / 1000 - bootSeconds
    for (let c = 0; c < 4; c++) for (const [mode, share] of CPU_MODES) cpuSeconds.set(`${c}/${mode}`, round(uptimeAtStart * share, 2))
    const diskBytes = DISKS.map(() => Math.floor(rnd.between(1e9, 5e10) / 512) * 512)
    const netBytes = { eth0: Math.floor(rnd.between(1e10, 1e11)), lo: Math.floor(rnd.between(1e7, 1e8)) }
    let load = rnd.between(0.2, 2)
    let memory = Math.floor(rnd.between(4e9, 8e9))
    let rootAvail = Math.floor(rnd.between(2e10, 4e10) / 4096) * 4096
    const runAvail = Math.floor(rnd.between(3e8, 4e8) / 4096) * 4096
    const release = target.instance.startsWith('host-c') ? '6.1.0-18-amd64' : '6.1.0-21-amd64'
    let residentBytes = Math.floor(rnd.between(2e7, 4e7))

    for (const s of scrapesOf(target, rnd)) {
      up.add('up', labels, s.t, s.up ? 1 : 0)
      if (s.restarted) {
        bootSeconds = Math.floor(s.t / 1000) - Math.floor(rnd.between(20, 40))
        for (const key of cpuSeconds.keys()) cpuSeconds.set(key, 0)
        diskBytes.fill(0)
        netBytes.eth0 = 0
        netBytes.lo = 0
        residentBytes = Math.floor(rnd.between(1e7, 2e7))
      }
      // Counters go on while the target cannot be scraped; nothing is written then.
      for (let c = 0; c < 4; c++) {
        for (const [mode, share] of CPU_MODES) {
          const key = `${c}/${mode}`
          const busy = s.dt * share * rnd.between(0.6, 1.4)
          cpuSeconds.set(key, round((cpuSeconds.get(key) ?? 0) + busy, 2))
        }
      }
      DISKS.forEach((_, i) => {
        if (rnd() < 0.6) diskBytes[i] = (diskBytes[i] ?? 0) + 512 * Math.floor(rnd.between(1, 4000) * s.dt)
      })
      netBytes.eth0 += Math.floor(rnd.between(5e4, 5e5) * s.dt)
      netBytes.lo += Math.floor(rnd.between(100, 2000) * s.dt)
      load = Math.min(8, Math.max(0, load + 0.15 * rnd.normal()))
      memory = Math.min(15e9, Math.max(5e8, memory + Math.floor(2e7 * rnd.normal())))
      rootAvail = Math.max(0, rootAvail - 4096 * Math.floor(rnd.between(0, 600)))
      residentBytes += 4096 * Math.floor(rnd.between(-20, 24))
      if (!s.up) continue

      for (let c = 0; c < 4; c++) {
        for (const [mode] of CPU_MODES) cpu.add('node_cpu_seconds_total', { ...labels, cpu: String(c), mode }, s.t, cpuSeconds.get(`${c}/${mode}`) ?? 0)
      }
      DISKS.forEach((device, i) => diskRead.add('node_disk_read_bytes_total', { ...labels, device }, s.t, diskBytes[i] ?? 0))
      netReceive.add('node_network_receive_bytes_total', { ...labels, device: 'eth0' }, s.t, netBytes.eth0)
      netReceive.add('node_network_receive_bytes_total', { ...labels, device: 'lo' }, s.t, netBytes.lo)
      load1.add('node_load1', labels, s.t, round(load, 2))
      memAvailable.add('node_memory_MemAvailable_bytes', labels, s.t, memory)
      fsAvail.add('node_filesystem_avail_bytes', { ...labels, device: '/dev/sda1', mountpoint: '/', fstype: 'ext4' }, s.t, rootAvail)
      fsAvail.add('node_filesystem_avail_bytes', { ...labels, device: 'tmpfs', mountpoint: '/run', fstype: 'tmpfs' }, s.t, runAvail)
      bootTime.add('node_boot_time_seconds', labels, s.t, bootSeconds)
      uname.add('node_uname_info', { ...labels, nodename: target.instance.split(':')[0] as string, release, version: '#1 SMP PREEMPT_DYNAMIC "Debian" 6.1' }, s.t, 1)
      rss.add('process_resident_memory_bytes', labels, s.t, residentBytes)
    }
  }

  for (const target of API_TARGETS) {
    const rnd = random(seed, target.instance)
    const labels = base(target)
    let version = '1.4.2'
    const requestCounts = new Map<string, number>()
    const histograms = HANDLERS.map(() => ({ buckets: HISTOGRAM_BUCKETS.map(() => 0), count: 0, sum: 0 }))
    const summaries = ['catalog', 'orders'].map((service) => ({ service, count: 0, sum: 0, median: rnd.between(0.01, 0.05) }))
    let residentBytes = Math.floor(rnd.between(8e7, 1.2e8))

    for (const s of scrapesOf(target, rnd)) {
      up.add('up', labels, s.t, s.up ? 1 : 0)
      if (s.restarted) {
        version = '1.5.0'
        requestCounts.clear()
        for (const h of histograms) {
          h.buckets.fill(0)
          h.count = 0
          h.sum = 0
        }
        for (const summary of summaries) {
          summary.count = 0
          summary.sum = 0
        }
        residentBytes = Math.floor(rnd.between(5e7, 6e7))
      }
      HANDLERS.forEach(([handler, median, perSecond], i) => {
        for (const method of handler === '/metrics' ? ['GET'] : ['GET', 'POST']) {
          for (const [code, share] of [['200', 0.93], ['400', 0.06], ['500', 0.01]] as const) {
            const key = `${handler} ${method} ${code}`
            // 500s come rarely and in small bursts: a counter that stays flat for minutes.
            const served = code === '500' ? (rnd() < 0.04 ? 1 + Math.floor(rnd.between(0, 3)) : 0) : rnd.count(perSecond * share * s.dt)
            requestCounts.set(key, (requestCounts.get(key) ?? 0) + served)
          }
        }
        const h = histograms[i]
        if (!h) return
        const observations = rnd.count(perSecond * s.dt)
        for (let n = 0; n < observations; n++) {
          const seconds = median * Math.exp(0.8 * rnd.normal())
          h.count++
          h.sum += seconds
          HISTOGRAM_BUCKETS.forEach((le, b) => {
            if (seconds <= le) h.buckets[b] = (h.buckets[b] ?? 0) + 1
          })
        }
      })
      for (const summary of summaries) {
        const observations = rnd.count(3 * s.dt)
        for (let n = 0; n < observations; n++) summary.sum += summary.median * Math.exp(0.5 * rnd.normal())
        summary.count += observations
      }
      residentBytes += 4096 * Math.floor(rnd.between(-100, 120))
      if (!s.up) continue

      HANDLERS.forEach(([handler], i) => {
        for (const method of handler === '/metrics' ? ['GET'] : ['GET', 'POST']) {
          for (const code of ['200', '400', '500']) {
            requests.add('http_requests_total', { ...labels, handler, method, code }, s.t, requestCounts.get(`${handler} ${method} ${code}`) ?? 0)
          }
        }
        const h = histograms[i]
        if (!h) return
        const hLabels = { ...labels, handler }
        HISTOGRAM_BUCKETS.forEach((le, b) => duration.add('http_request_duration_seconds_bucket', { ...hLabels, le: canonicalFloat(le) }, s.t, h.buckets[b] ?? 0))
        duration.add('http_request_duration_seconds_bucket', { ...hLabels, le: '+Inf' }, s.t, h.count)
        duration.add('http_request_duration_seconds_count', hLabels, s.t, h.count)
        duration.add('http_request_duration_seconds_sum', hLabels, s.t, h.sum)
      })
      for (const summary of summaries) {
        const sLabels = { ...labels, service: summary.service }
        SUMMARY_QUANTILES.forEach((q, i) => {
          const value = summary.median * Math.exp(0.5 * [0, 1.28, 2.33][i]! + 0.05 * rnd.normal())
          rpc.add('rpc_duration_seconds', { ...sLabels, quantile: canonicalFloat(q) }, s.t, round(value, 6))
        })
        rpc.add('rpc_duration_seconds_count', sLabels, s.t, summary.count)
        rpc.add('rpc_duration_seconds_sum', sLabels, s.t, summary.sum)
      }
      rss.add('process_resident_memory_bytes', labels, s.t, residentBytes)
      buildInfo.add('api_build_info', { ...labels, version, goversion: 'go1.21.5' }, s.t, 1)
    }
  }

  {
    const target = SENSOR_TARGET
    const rnd = random(seed, target.instance)
    const labels = base(target)
    const all = scrapesOf(target, rnd)
    // A few garbage readings, at fixed scrapes so tests can find them.
    const oddHumidity = new Map<string, number>([
      ['outdoor/100', NaN],
      ['outdoor/101', NaN],
      ['outdoor/300', NaN],
      ['server_room/200', Infinity],
      ['cellar/250', -Infinity]
    ])
    all.forEach((s, i) => {
      up.add('up', labels, s.t, 1)
      const hours = s.offset / 3_600_000
      temperature.add('temperature_celsius', { ...labels, location: 'outdoor' }, s.t, round(0.5 - 3 * Math.cos(hours * Math.PI) + 0.3 * rnd.normal(), 1))
      temperature.add('temperature_celsius', { ...labels, location: 'freezer' }, s.t, round(-18.5 + 0.4 * rnd.normal(), 1))
      temperature.add('temperature_celsius', { ...labels, location: 'server_room' }, s.t, round(22 + 0.3 * rnd.normal(), 1))
      for (const [location, level] of [['outdoor', 0.8], ['server_room', 0.35], ['cellar', 0.6]] as const) {
        const reading = round(Math.min(1, Math.max(0, level + 0.05 * rnd.normal())), 3)
        humidity.add('sensor_humidity_ratio', { ...labels, location }, s.t, oddHumidity.get(`${location}/${i}`) ?? reading)
      }
    })
  }

  {
    const target = BATCH_TARGET
    const rnd = random(seed, target.instance)
    const labels = base(target)
    let processed = 0
    for (const s of scrapesOf(target, rnd)) {
      up.add('up', labels, s.t, 1)
      if (s.offset >= 40 * MINUTE && s.offset < 90 * MINUTE) {
        progress.add('batch_job_progress_ratio', { ...labels, batch: 'nightly-import' }, s.t, round((s.offset - 40 * MINUTE) / (50 * MINUTE), 4))
      }
      const running = s.offset < 30 * MINUTE || s.offset >= 75 * MINUTE
      if (s.offset >= 75 * MINUTE && s.offset - s.dt * 1000 < 75 * MINUTE) processed = 0
      if (running) {
        processed += rnd.count(40 * s.dt)
        records.add('batch_records_processed_total', { ...labels, batch: 'hourly-rollup' }, s.t, processed)
      }
    }
    // Whole seconds, no jitter: every 15 s to 00:10, then 00:15 (5 min gap), then 00:21 (6 min
    // gap) and every 15 s to 00:30.
    const probeSeconds: number[] = []
    for (let sec = 0; sec <= 600; sec += 15) probeSeconds.push(sec)
    probeSeconds.push(900)
    for (let sec = 1260; sec <= 1800; sec += 15) probeSeconds.push(sec)
    probeSeconds.forEach((sec, i) => {
      if (startMs + sec * 1000 <= endMs) probe.add('lookback_probe', { ...labels }, startMs + sec * 1000, i)
    })
  }

  const families = builders.map((b) => b.family).filter((f) => f.series.length > 0)
  return {
    seed,
    startMs,
    endMs,
    scrapeIntervalMs: SCRAPE_INTERVAL_MS,
    families,
    series: families.flatMap((f) => f.series),
    openMetrics: toOpenMetrics(families)
  }
}
