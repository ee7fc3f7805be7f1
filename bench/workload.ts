// A deterministic, realistic metrics workload for the store benchmarks (bench/store-size.ts):
// the SampleBatches Vigil's collectors hand to MetricsWriter for S servers, interval after
// interval. Constant values (bench/ingest.ts) say nothing about compression, so each server
// starts from real command outputs (test/fixtures, read by Vigil's parsers) and then moves
// like a machine: CPU as a bounded walk around a daily cycle with bursts, memory drifting,
// disks and interfaces with bursty traffic, a process table where daemons stay and jobs come
// and go. Values have the precision the commands print: every vmstat and iostat line is
// printed as procps/sysstat/AIX print it and read back by Vigil's own line readers, interface
// rates come from counter deltas through the collector's interfaceRates, and ps's %CPU is
// its lifetime average (cpu time ÷ elapsed) with one decimal, as ps computes it.
// Same options, same batches: each server draws from its own PRNGs (mulberry32), seeded from
// (seed, server index), so servers are independent and a run can be replayed against another
// store.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { tokenize } from '../src/main/base/text'
import type { SampleBatch, SampleValues } from '../src/main/metrics/samples'
import {
  interfaceRates,
  parseInterfaces,
  parseIostat,
  parseProcesses,
  parseVmstat,
  type InterfaceCounters,
  type IostatSample,
  type OsKind,
  type Parsed,
  type ProcessSample,
  type VmstatSample
} from '../src/main/metrics/parsers'
import { IostatReader } from '../src/main/metrics/parsers/iostat'
import { VmstatReader } from '../src/main/metrics/parsers/vmstat'
import { NUMERIC_FIELDS, type MetricName } from '../src/shared/metrics'
import { seededRandom } from '../test/helpers/seeded-random'

export interface WorkloadOptions {
  servers: number
  /** Epoch ms of interval 0. */
  startMs: number
  /** Collection interval (Vigil's default: 5 s); at least 1 s, Vigil's minimum. */
  intervalMs?: number
  seed?: number
  /** Share of AIX servers; the rest run Linux. */
  aixShare?: number
  /** Rows per process snapshot (Vigil's default top-N). */
  topProcesses?: number
  /** `constant`: bench/ingest.ts's fixed rows on the same timestamps, to show what constants hide. */
  values?: 'realistic' | 'constant'
}

export interface ServerProfile {
  id: string
  hostname: string
  os: OsKind
  cpus: number
  disks: readonly string[]
  interfaces: readonly string[]
}

export interface Workload {
  readonly servers: readonly ServerProfile[]
  readonly serverIds: readonly string[]
  readonly intervalMs: number
  readonly startMs: number
  /** Intervals generated so far. */
  readonly intervals: number
  /**
   * The batches of the next interval (0, 1, 2, …): per server one vmstat, iostat, netstat and
   * process batch, each with its own `ts`, every server's, in the order they would arrive.
   */
  nextInterval(): SampleBatch[]
}

/** UUID-shaped, as bench/ingest.ts makes them. */
export const serverId = (index: number): string => `00000000-0000-4000-8000-${String(index).padStart(12, '0')}`

/** Numeric values in a batch: the non-null numbers of its metric's NUMERIC_FIELDS. */
export function countValues(batch: SampleBatch): number {
  const fields: readonly string[] = NUMERIC_FIELDS[batch.metric]
  let count = 0
  for (const row of batch.rows) for (const field of fields) if (typeof row[field] === 'number') count++
  return count
}

/** One server of a workload: what `createWorkload` holds per server, for a simulator that serves it live. */
export interface ServerWorkload {
  readonly profile: ServerProfile
  /** Its four batches of that interval (0, 1, 2, … in turn), each with its own `ts`. */
  batches(interval: number): SampleBatch[]
}

export function createWorkload(options: WorkloadOptions): Workload {
  const config = serverConfig(options)
  const sims = Array.from({ length: options.servers }, (_, index) => serverSim(index, options, config))
  let intervals = 0
  return {
    servers: sims.map((sim) => sim.profile),
    serverIds: sims.map((sim) => sim.profile.id),
    intervalMs: config.intervalMs,
    startMs: options.startMs,
    get intervals() {
      return intervals
    },
    nextInterval() {
      const batches = sims.flatMap((sim) => sim.batches(intervals))
      intervals++
      return batches.sort((a, b) => a.ts - b.ts)
    }
  }
}

/** Server `index` of the workload these options make: the same values as that server's in `createWorkload`. */
export function createServerWorkload(index: number, options: Omit<WorkloadOptions, 'servers'>): ServerWorkload {
  return serverSim(index, options, serverConfig(options))
}

function serverConfig(options: Omit<WorkloadOptions, 'servers'>): ServerConfig {
  const intervalMs = options.intervalMs ?? 5000
  if (!Number.isInteger(intervalMs) || intervalMs < 1000) throw new RangeError(`intervalMs must be a whole number ≥ 1000, not ${intervalMs}`)
  return {
    intervalMs,
    startMs: options.startMs,
    aixShare: options.aixShare ?? 0.1,
    topProcesses: options.topProcesses ?? 20,
    constant: options.values === 'constant'
  }
}

function serverSim(index: number, options: Pick<WorkloadOptions, 'seed'>, config: ServerConfig): ServerSim {
  return new ServerSim(index, mix(options.seed ?? 1, index), fixtureSeeds(), config)
}

// --- randomness ---

/** Mixes the run's seed and a server index into that server's seed (murmur3's finalizer). */
function mix(seed: number, index: number): number {
  let h = Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(index + 0x632be5ab, 0xc2b2ae35)
  h = Math.imul(h ^ (h >>> 16), 0x7feb352d)
  h = Math.imul(h ^ (h >>> 15), 0x846ca68b)
  return (h ^ (h >>> 16)) >>> 0
}

export class Rng {
  /** mulberry32: uniform in [0, 1). */
  readonly next: () => number

  constructor(seed: number) {
    this.next = seededRandom(seed)
  }

  between(min: number, max: number): number {
    return min + this.next() * (max - min)
  }

  /** A whole number in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1))
  }

  chance(p: number): boolean {
    return this.next() < p
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)] as T
  }

  /** Standard normal (Box–Muller). */
  normal(): number {
    return Math.sqrt(-2 * Math.log(1 - this.next())) * Math.cos(2 * Math.PI * this.next())
  }

  /** Events in an interval with this mean; the normal approximation past 30. */
  poisson(mean: number): number {
    if (mean <= 0) return 0
    if (mean > 30) return Math.max(0, Math.round(mean + Math.sqrt(mean) * this.normal()))
    const limit = Math.exp(-mean)
    let k = 0
    for (let p = this.next(); p > limit; p *= this.next()) k++
    return k
  }
}

const clamp = (value: number, min: number, max: number): number => Math.min(max, Math.max(min, value))

// --- what the fixtures give: starting values, and the header lines the readers follow ---

const FIXTURES = join(__dirname, '..', 'test', 'fixtures')

interface Seeds {
  vmstat: Record<OsKind, VmstatSample[]>
  vmstatHeader: Record<OsKind, string>
  iostat: Record<OsKind, IostatSample[]>
  iostatHeader: Record<OsKind, string>
  interfaces: Record<OsKind, InterfaceCounters[]>
  processes: Record<OsKind, ProcessSample[]>
}

/** The columns the generated lines print, which must be those of the fixture headers. */
const VMSTAT_COLUMNS: Record<OsKind, readonly string[]> = {
  linux: ['r', 'b', 'swpd', 'free', 'inact', 'active', 'si', 'so', 'bi', 'bo', 'in', 'cs', 'us', 'sy', 'id', 'wa', 'st'],
  aix: ['r', 'b', 'avm', 'fre', 're', 'pi', 'po', 'fr', 'sr', 'cy', 'in', 'sy', 'cs', 'us', 'sy', 'id', 'wa', 'pc', 'ec']
}
const IOSTAT_COLUMNS: Record<OsKind, readonly string[]> = {
  linux: ['Device', 'tps', 'kB_read/s', 'kB_wrtn/s', 'kB_dscd/s', 'kB_read', 'kB_wrtn', 'kB_dscd'],
  aix: ['Disks:', '%', 'tm_act', 'Kbps', 'tps', 'Kb_read', 'Kb_wrtn']
}

let seeds: Seeds | null = null

/** The fixtures, read and parsed once for every server of the process. */
function fixtureSeeds(): Seeds {
  seeds ??= loadSeeds()
  return seeds
}

function loadSeeds(): Seeds {
  const text = (name: string): string => readFileSync(join(FIXTURES, name), 'utf8')
  const rows = <T>(name: string, parse: (text: string) => Parsed<T>): T[] => {
    const parsed = parse(text(name))
    if (!parsed.ok) throw new Error(`test/fixtures/${name}: ${parsed.error}`)
    return parsed.rows
  }
  const header = (name: string, columns: readonly string[]): string => {
    const line = text(name)
      .split('\n')
      .find((candidate) => tokenize(candidate).join(' ') === columns.join(' '))
    if (line === undefined) throw new Error(`test/fixtures/${name} has no header "${columns.join(' ')}"`)
    return line
  }
  const vmstat = (os: OsKind, names: string[]): VmstatSample[] =>
    names.flatMap((name) => rows(name, (t) => parseVmstat(t, os))).filter((row) => row.avm !== null && row.fre !== null)
  return {
    vmstat: {
      linux: vmstat('linux', ['linux-vmstat-n-a.txt', 'linux-vmstat-a-repeated-header.txt', 'linux-vmstat-a-procps3.txt']),
      aix: vmstat('aix', ['aix-vmstat-shared-lpar.txt', 'aix-vmstat-dedicated.txt', 'aix-vmstat-neofetch.txt'])
    },
    vmstatHeader: { linux: header('linux-vmstat-n-a.txt', VMSTAT_COLUMNS.linux), aix: header('aix-vmstat-shared-lpar.txt', VMSTAT_COLUMNS.aix) },
    iostat: {
      linux: ['linux-iostat-dky.txt', 'linux-iostat-d-sysstat10.txt'].flatMap((name) => rows(name, (t) => parseIostat(t, 'linux'))),
      aix: ['aix-iostat-d-boot.txt', 'aix-iostat-d-interval.txt'].flatMap((name) => rows(name, (t) => parseIostat(t, 'aix')))
    },
    iostatHeader: { linux: header('linux-iostat-dky.txt', IOSTAT_COLUMNS.linux), aix: header('aix-iostat-d-interval.txt', IOSTAT_COLUMNS.aix) },
    interfaces: {
      linux: rows('linux-proc-net-dev.txt', (t) => parseInterfaces(t, 'linux', 'procnetdev')),
      aix: ['aix-netstat-i.txt', 'aix-netstat-i-powerha.txt'].flatMap((name) => rows(name, (t) => parseInterfaces(t, 'aix', 'netstat')))
    },
    processes: {
      linux: rows('linux-ps-top5.txt', (t) => parseProcesses(t, 'linux')),
      aix: rows('aix-ps-o.txt', (t) => parseProcesses(t, 'aix'))
    }
  }
}

// --- one server ---

interface ServerConfig {
  intervalMs: number
  startMs: number
  aixShare: number
  topProcesses: number
  constant: boolean
}

const KIB_PER_GIB = 1024 * 1024

/** Everything about one server, advanced one interval at a time from its own PRNG. */
class ServerSim implements ServerWorkload {
  readonly profile: ServerProfile
  private readonly offsets: Record<MetricName, number>
  /** Timestamps have their own generator, so the constant workload gets the same ones. */
  private readonly clock: Rng
  private readonly rng: Rng
  private readonly load: Load
  private readonly vmstat: VmstatSim
  private readonly disks: DiskSim
  private readonly nics: NicSim
  private readonly processes: ProcessSim

  constructor(
    index: number,
    seed: number,
    seeds: Seeds,
    private readonly config: ServerConfig
  ) {
    const clock = (this.clock = new Rng(mix(seed, 1)))
    // Servers start collecting at any moment, so their samples spread over the interval; within
    // a server the streams report a little after their start, ps and the counters after an SSH
    // round trip.
    const phase = clock.int(0, config.intervalMs - 400)
    this.offsets = { vmstat: phase + clock.int(0, 40), iostat: phase + clock.int(0, 40), netstat: phase + clock.int(20, 120), process: phase + clock.int(40, 250) }
    const rng = (this.rng = new Rng(seed))
    const os: OsKind = rng.chance(config.aixShare) ? 'aix' : 'linux'
    const cpus = rng.pick(os === 'aix' ? [1, 2, 4, 8, 16] : [1, 2, 2, 4, 4, 8, 8, 16, 32])
    const ramKiB = Math.round(rng.pick([2, 4, 8, 8, 16, 16, 32, 64, 128]) * Math.max(1, cpus / 4) * KIB_PER_GIB)
    const startS = config.startMs / 1000
    const bootS = startS - rng.between(3600, 400 * 86_400)
    const template = rng.pick(seeds.vmstat[os])
    this.load = new Load(rng, template)
    this.vmstat = new VmstatSim(rng, os, cpus, ramKiB, template, seeds.vmstatHeader[os])
    this.disks = new DiskSim(rng, os, config.intervalMs / 1000, seeds.iostat[os], seeds.iostatHeader[os])
    this.nics = new NicSim(rng, os, seeds.interfaces[os], startS - bootS)
    const hostname = `host-${index}`
    this.processes = new ProcessSim(rng, os, cpus, ramKiB, bootS, startS, seeds.processes[os], hostname)
    this.profile = { id: serverId(index), hostname, os, cpus, disks: this.disks.names, interfaces: this.nics.names }
  }

  batches(interval: number): SampleBatch[] {
    const base = this.config.startMs + interval * this.config.intervalMs
    // A few ms of scheduling and network jitter on every sample.
    const [vmstatTs, iostatTs, netstatTs, processTs] = (['vmstat', 'iostat', 'netstat', 'process'] as const).map(
      (metric) => base + this.offsets[metric] + clamp(Math.round(this.clock.normal() * 2), -6, 6)
    ) as [number, number, number, number]
    const serverId = this.profile.id
    if (this.config.constant) {
      return [
        { metric: 'vmstat', serverId, ts: vmstatTs, rows: [CONSTANT.vmstat] },
        { metric: 'iostat', serverId, ts: iostatTs, rows: CONSTANT.iostat },
        { metric: 'netstat', serverId, ts: netstatTs, rows: CONSTANT.netstat },
        { metric: 'process', serverId, ts: processTs, rows: CONSTANT.process }
      ]
    }
    const busy = this.load.step(base)
    const iostat = this.disks.report(busy, this.load.factor)
    return [
      { metric: 'vmstat', serverId, ts: vmstatTs, rows: [this.vmstat.sample(busy, iostat.kbReadPerS, iostat.kbWrtnPerS)] },
      { metric: 'iostat', serverId, ts: iostatTs, rows: iostat.rows },
      { metric: 'netstat', serverId, ts: netstatTs, rows: this.nics.sample(netstatTs, this.load.factor) },
      { metric: 'process', serverId, ts: processTs, rows: this.processes.snapshot(processTs / 1000, this.load.factor, this.config.topProcesses) }
    ]
  }
}

/** bench/ingest.ts's mix: one vmstat row, 4 disks, 2 interfaces, 20 processes, never changing. */
const CONSTANT = {
  vmstat: { r: 1, b: 0, avm: 1e6, fre: 5e5, pi: 0, po: 0, fr: 0, interface_in: 120, cs: 900, us: 12.5, sy: 3.1, idle: 84.4, wa: 0 },
  iostat: ['sda', 'sdb', 'nvme0n1', 'dm-0'].map((disk) => ({ disk, tps: 12, kb_read: 100, kb_wrtn: 50, kb_read_rate: 20, kb_wrtn_rate: 10, service_time: 0.4 })),
  netstat: ['eth0', 'lo'].map((name) => ({ interface: name, ipkts: 1e6, ierrs: 0, opkts: 9e5, oerrs: 0, ipkts_rate: 100, ierrs_rate: 0, opkts_rate: 90, oerrs_rate: 0 })),
  process: Array.from({ length: 20 }, (_, i) => ({ pid: 1000 + i, user: 'app', cpu: i / 2, mem: 1.5, command: `/usr/bin/worker --id ${i}` }))
} satisfies Record<string, SampleValues | SampleValues[]>

/**
 * How busy the server is (CPU %, 0–100): a mean-reverting walk around its usual level, which
 * follows a daily cycle, plus now and then a burst (a batch job, a deploy) of a few minutes.
 * Most servers are mostly idle; a few are busy. The other metrics follow `factor`.
 */
class Load {
  private readonly usual: number
  private readonly swing: number
  private readonly peakHour: number
  private level: number
  private burst = 0
  private burstLeft = 0
  private busy = 0

  constructor(
    private readonly rng: Rng,
    template: VmstatSample
  ) {
    const tier = rng.next()
    this.usual = tier < 0.55 ? rng.between(1, 8) : tier < 0.85 ? rng.between(8, 35) : rng.between(35, 80)
    this.swing = rng.between(0, 0.6)
    this.peakHour = rng.between(10, 18)
    // The first samples are the fixture row's; the walk then drifts to the server's own level.
    this.level = (template.us ?? 0) + (template.sy ?? 0)
  }

  step(ms: number): number {
    const hour = (ms / 3_600_000) % 24
    const target = this.usual * (1 + this.swing * Math.cos((2 * Math.PI * (hour - this.peakHour)) / 24))
    this.level = clamp(this.level + 0.05 * (target - this.level) + this.rng.normal() * (0.4 + 0.05 * target), 0, 100)
    if (this.burstLeft > 0) this.burstLeft--
    else if (this.rng.chance(0.002)) {
      this.burstLeft = this.rng.int(6, 60)
      this.burst = this.rng.between(10, 50)
    }
    this.busy = clamp(this.level + (this.burstLeft > 0 ? this.burst : 0), 0, 100)
    return this.busy
  }

  /** Activity relative to the server's usual: scales its disk, network and process traffic. */
  get factor(): number {
    return (this.busy + 2) / (this.usual + 2)
  }
}

/**
 * vmstat's line: integer CPU %s, r/b, interrupts and context switches following the load;
 * memory (KiB on Linux, 4 KiB pages on AIX) drifting slowly around the server's usual use.
 */
class VmstatSim {
  private readonly reader: VmstatReader
  private readonly unit: number
  private readonly ram: number
  private fre: number
  private avm: number
  private readonly freUsual: number
  private readonly avmUsual: number
  private readonly swpd: number
  private readonly usShare: number
  private readonly interrupts: number
  private readonly interruptsPerBusy: number
  private readonly csPerInterrupt: number
  private readonly waitsOnIo: boolean
  private readonly swaps: boolean

  constructor(
    private readonly rng: Rng,
    private readonly os: OsKind,
    private readonly cpus: number,
    ramKiB: number,
    template: VmstatSample,
    header: string
  ) {
    this.reader = new VmstatReader(os)
    this.reader.read(header)
    // Memory in the unit the command prints; the reader turns AIX pages into KiB.
    this.unit = os === 'aix' ? 4 : 1
    this.ram = ramKiB / this.unit
    const templateTotal = ((template.fre ?? 0) + (template.avm ?? 0)) * rng.between(1.1, 1.6)
    const scale = this.ram / (templateTotal / this.unit)
    this.fre = Math.round(((template.fre ?? 0) / this.unit) * scale)
    this.avm = Math.round(((template.avm ?? 0) / this.unit) * scale)
    this.freUsual = this.ram * rng.between(0.03, 0.6)
    this.avmUsual = this.ram * rng.between(0.1, 0.5)
    this.swpd = rng.chance(0.2) ? rng.int(1, 500_000) : 0
    this.usShare = (template.us ?? 0) + (template.sy ?? 0) > 0 ? clamp((template.us ?? 0) / ((template.us ?? 0) + (template.sy ?? 0)), 0.5, 0.95) : 0.8
    this.interrupts = Math.max(30, (template.interface_in ?? 0) * rng.between(0.05, 0.3)) * (cpus / 2)
    this.interruptsPerBusy = rng.between(3, 30) * cpus
    this.csPerInterrupt = clamp((template.cs ?? 0) / Math.max(1, template.interface_in ?? 0), 1.1, 4) * rng.between(0.8, 1.2)
    this.waitsOnIo = rng.chance(0.3)
    this.swaps = this.swpd > 0 && rng.chance(0.3)
  }

  sample(busy: number, kbReadPerS: number, kbWrtnPerS: number): SampleValues {
    const { rng } = this
    const sigma = this.ram * (2e-5 + 2e-4 * (busy / 100))
    this.fre = Math.round(clamp(this.fre + 0.002 * (this.freUsual - this.fre) + rng.normal() * sigma, this.ram * 0.01, this.ram * 0.95))
    this.avm = Math.round(clamp(this.avm + 0.002 * (this.avmUsual - this.avm) + rng.normal() * sigma * 0.7, this.ram * 0.02, this.ram - this.fre))
    const us = Math.max(0, Math.round(busy * this.usShare + rng.normal() * 0.5))
    const sy = Math.max(0, Math.round(busy * (1 - this.usShare) + rng.normal() * 0.3))
    const wa = this.waitsOnIo ? Math.max(0, Math.round(1 + busy / 30 + rng.normal() * 1.2)) : rng.chance(0.03) ? 1 : 0
    const st = this.os === 'linux' && rng.chance(0.1) ? 1 : 0
    // Each column is rounded on its own, so they add up to 99–101.
    const id = clamp(100 - us - sy - wa - st + (rng.chance(0.15) ? rng.pick([-1, 1]) : 0), 0, 100)
    const interrupts = Math.max(10, Math.round((this.interrupts + this.interruptsPerBusy * busy) * (1 + 0.06 * rng.normal())))
    const cs = Math.max(10, Math.round(interrupts * this.csPerInterrupt * (1 + 0.08 * rng.normal())))
    const r = rng.poisson((busy / 100) * this.cpus) + (rng.chance(0.7) ? 1 : 0)
    const b = rng.poisson((wa / 100) * this.cpus)
    const paged = (): number => (this.swaps && rng.chance(0.02) ? rng.int(1, 400) : 0)
    const values: Record<string, number | string> =
      this.os === 'linux'
        ? {
            r, b, swpd: this.swpd, free: this.fre, inact: Math.max(0, Math.round(this.ram * 0.9 - this.fre - this.avm)), active: this.avm,
            si: paged(), so: paged(), bi: Math.round(kbReadPerS), bo: Math.round(kbWrtnPerS), in: interrupts, cs, us, sy, id, wa, st
          }
        : {
            r, b, avm: this.avm, fre: this.fre, re: 0, pi: paged(), po: paged(), fr: this.fre < this.ram * 0.05 ? rng.int(0, 300) : 0, sr: 0, cy: 0,
            in: interrupts, cs, us, sy, id, wa, pc: ((busy / 100) * this.cpus).toFixed(2), ec: busy.toFixed(1)
          }
    // AIX prints `sy` twice: system calls (under faults), then system CPU %.
    if (this.os === 'aix') values.syscalls = cs * 4 + rng.int(0, 500)
    const line = VMSTAT_COLUMNS[this.os].map((column, i) => String(values[column === 'sy' && i === 11 && this.os === 'aix' ? 'syscalls' : column])).join(' ')
    const read = this.reader.read(line)
    if (read.kind !== 'row') throw new Error(`vmstat line not read back: ${line}`)
    return read.row as unknown as SampleValues
  }
}

interface Disk {
  name: string
  /** ln(I/Os per second) now, and what it returns to. */
  level: number
  usual: number
  readShare: number
  kibPerIo: number
  /** Mostly idle (a spare disk, a quiet LV): most intervals print zeros. */
  quiet: boolean
}

const LINUX_DISK_SETS: readonly (readonly string[])[] = [
  ['sda', 'sdb', 'dm-0', 'dm-1'],
  ['vda', 'vdb', 'dm-0', 'dm-1'],
  ['nvme0n1', 'nvme1n1', 'dm-0', 'dm-1']
]

/**
 * `iostat -d` device lines (sysstat's basic report, or AIX's), one report per interval:
 * bursty I/O per disk around its usual rate, KiB in whole 4 KiB requests mostly, rates over
 * iostat's own measured interval (5.00 or 5.01 s at 5 s: it counts in 1/100 s).
 */
class DiskSim {
  readonly names: readonly string[]
  private readonly disks: Disk[]
  private readonly reader: IostatReader

  constructor(
    private readonly rng: Rng,
    private readonly os: OsKind,
    private readonly intervalS: number,
    templates: readonly IostatSample[],
    private readonly header: string
  ) {
    this.reader = new IostatReader(os)
    const count = rng.chance(0.9) ? 4 : rng.pick([1, 2, 8, 12])
    const names =
      os === 'aix'
        ? Array.from({ length: count }, (_, i) => `hdisk${i}`)
        : count === 4
          ? rng.pick(LINUX_DISK_SETS)
          : [...['sda', 'sdb', 'sdc', 'sdd'].slice(0, Math.min(count, 4)), ...Array.from({ length: Math.max(0, count - 4) }, (_, i) => `dm-${i}`)]
    this.disks = names.map((name) => {
      // The fixture row sets where the disk starts; its usual rate is the fleet's, lower.
      const template = rng.pick(templates)
      const kib = (template.kb_read_rate ?? 0) + (template.kb_wrtn_rate ?? 0)
      const tps = template.tps ?? 0
      const quiet = rng.chance(0.25)
      return {
        name,
        level: Math.log(Math.max(tps, 0.2)),
        usual: quiet ? Math.log(rng.between(0.02, 0.5)) : Math.log(rng.between(0.5, 300)),
        readShare: kib > 0 ? clamp((template.kb_read_rate ?? 0) / kib, 0.05, 0.95) : rng.between(0.1, 0.6),
        kibPerIo: tps > 0 && kib > 0 ? clamp(kib / tps, 4, 256) : rng.pick([4, 8, 16, 32, 64]),
        quiet
      }
    })
    this.names = names
  }

  report(busy: number, factor: number): { rows: SampleValues[]; kbReadPerS: number; kbWrtnPerS: number } {
    const { rng } = this
    const seconds = this.intervalS + (rng.chance(0.15) ? 0.01 : 0)
    this.reader.read(this.header)
    let kbRead = 0
    let kbWrtn = 0
    const rows = this.disks.map((disk) => {
      disk.level += 0.03 * (disk.usual - disk.level) + 0.3 * rng.normal()
      const ios = disk.quiet && rng.chance(0.6) ? 0 : rng.poisson(Math.exp(disk.level) * factor * seconds)
      const reads = clamp(Math.round(ios * disk.readShare + rng.normal() * Math.sqrt(ios * disk.readShare * (1 - disk.readShare))), 0, ios)
      const kib = (requests: number): number => (requests === 0 ? 0 : Math.max(4, Math.round((requests * disk.kibPerIo * Math.exp(0.3 * rng.normal())) / 4) * 4))
      const read = kib(reads)
      const written = kib(ios - reads)
      kbRead += read / seconds
      kbWrtn += written / seconds
      const cells =
        this.os === 'linux'
          ? [(ios / seconds).toFixed(2), (read / seconds).toFixed(2), (written / seconds).toFixed(2), '0.00', read, written, 0]
          : [Math.min(100, (ios * 0.4) / seconds + busy / 20).toFixed(1), ((read + written) / seconds).toFixed(1), (ios / seconds).toFixed(1), read, written]
      const line = `${disk.name} ${cells.join(' ')}`
      const parsed = this.reader.read(line)
      if (parsed.kind !== 'row') throw new Error(`iostat line not read back: ${line}`)
      return parsed.row as unknown as SampleValues
    })
    // A blank line ends the report, as iostat prints it.
    this.reader.read('')
    return { rows, kbReadPerS: kbRead, kbWrtnPerS: kbWrtn }
  }
}

interface Nic {
  counters: InterfaceCounters
  /** ln(packets per second received) now, and what it returns to; 0 packets when null. */
  level: number | null
  usual: number
  outPerIn: number
  loopback: boolean
  /** A bad cable or a full ring: errors now and then. Every other interface never counts one. */
  flaky: boolean
}

/**
 * Interface counters (/proc/net/dev on Linux, netstat -in on AIX) that only grow, from the
 * fixtures' values plus the traffic since boot; rates as the collector computes them.
 */
class NicSim {
  readonly names: readonly string[]
  private readonly nics: Nic[]
  private previous: { ts: number; counters: InterfaceCounters[] } | null = null

  constructor(
    private readonly rng: Rng,
    os: OsKind,
    templates: readonly InterfaceCounters[],
    uptimeS: number
  ) {
    const linuxSets = [['lo', 'eth0'], ['lo', 'eth0'], ['lo', 'eth0', 'eth1']]
    // A few servers list idle interfaces too (the fixture's ifb0/ifb1): counters stuck at 0.
    const names = os === 'aix' ? rng.pick([['en0', 'lo0'], ['en0', 'en1', 'lo0']]) : rng.chance(0.9) ? rng.pick(linuxSets) : ['lo', 'ifb0', 'ifb1', 'eth0']
    this.nics = names.map((name) => {
      const template = templates.find((row) => row.interface === name) ?? rng.pick(templates)
      const loopback = name.startsWith('lo')
      const idle = name.startsWith('ifb')
      const usual = Math.log(loopback ? rng.between(1, 500) : name === 'eth0' || name === 'en0' ? rng.between(20, 20_000) : rng.between(2, 2000))
      const outPerIn = loopback ? 1 : rng.between(0.5, 1.6)
      const since = (perSecond: number): number => Math.round(perSecond * uptimeS * rng.between(0.5, 1.5))
      return {
        counters: {
          interface: name,
          ipkts: idle ? 0 : template.ipkts + since(Math.exp(usual)),
          ierrs: template.ierrs,
          opkts: idle ? 0 : template.opkts + since(Math.exp(usual) * outPerIn),
          oerrs: template.oerrs
        },
        level: idle ? null : usual,
        usual,
        outPerIn,
        loopback,
        flaky: !loopback && !idle && rng.chance(0.03)
      }
    })
    this.names = names
  }

  sample(ts: number, factor: number): SampleValues[] {
    const { rng } = this
    const seconds = this.previous ? (ts - this.previous.ts) / 1000 : 0
    for (const nic of this.nics) {
      if (nic.level === null || seconds === 0) continue
      nic.level += 0.05 * (nic.usual - nic.level) + 0.2 * rng.normal()
      const received = rng.poisson(Math.exp(nic.level) * factor * seconds)
      // Loopback: every packet sent is received.
      const sent = nic.loopback ? received : rng.poisson(Math.exp(nic.level) * nic.outPerIn * factor * seconds)
      const c = nic.counters
      nic.counters = { ...c, ipkts: c.ipkts + received, opkts: c.opkts + sent }
      if (nic.flaky && rng.chance(0.003)) nic.counters.ierrs += rng.int(1, 20)
      if (nic.flaky && rng.chance(0.001)) nic.counters.oerrs += rng.int(1, 5)
    }
    // What HostCollector.withRates does: rates over the elapsed time between two samples (none on the first).
    const before = this.previous
    const rows = this.nics.map((nic, i) => interfaceRates(before?.counters[i], nic.counters, seconds))
    this.previous = { ts, counters: this.nics.map((nic) => nic.counters) }
    return rows
  }
}

interface Proc {
  pid: number
  user: string
  command: string
  startS: number
  /** When it exits (Infinity for daemons). */
  endS: number
  cpuSeconds: number
  /** Share of one CPU it uses now, on average, and at most (a job is one thread, a daemon may use every CPU). */
  share: number
  usualShare: number
  maxShare: number
  rssKiB: number
}

type ProcSpec = readonly [user: string, command: string, cpuPercent: number, memPercent: number]

const LINUX_SYSTEM: readonly ProcSpec[] = [
  ['root', '/usr/lib/systemd/systemd-journald', 0.1, 0.4],
  ['root', '/usr/lib/systemd/systemd-udevd', 0.01, 0.1],
  ['systemd-timesync', '/lib/systemd/systemd-timesyncd', 0.01, 0.1],
  ['message+', '/usr/bin/dbus-daemon --system --address=systemd: --nofork --nopidfile --systemd-activation --syslog-only', 0.01, 0.1],
  ['root', '/usr/lib/systemd/systemd-logind', 0.01, 0.1],
  ['root', '/usr/sbin/rsyslogd -n -iNONE', 0.05, 0.1],
  ['root', '/usr/sbin/cron -f', 0, 0],
  ['root', 'sshd: /usr/sbin/sshd -D [listener] 0 of 10-100 startups', 0.01, 0.1],
  ['root', '/sbin/agetty -o -p -- \\u --noclear - linux', 0, 0],
  ['root', '/usr/sbin/chronyd -F 1', 0.01, 0.1],
  ['vigil', 'sshd: vigil@notty', 0.3, 0.1],
  ['vigil', 'vmstat -n -a 5', 0.01, 0],
  ['vigil', 'iostat -d -k -y 5', 0.01, 0]
]

const AIX_SYSTEM: readonly ProcSpec[] = [
  ['root', '/usr/sbin/rsct/bin/rmcd -a IBM.LPCommands -r -S 1500', 0.1, 0.3],
  ['root', '/usr/sbin/snmpd', 0.01, 0.1],
  ['root', '/usr/sbin/inetd', 0, 0],
  ['root', '/usr/sbin/sshd', 0.01, 0.1],
  ['vigil', 'sshd: vigil@notty', 0.3, 0.1],
  ['vigil', 'vmstat 5', 0.01, 0],
  ['vigil', 'iostat -d 5', 0.01, 0]
]

/** What a server is for: its long-running processes (a per-CPU worker where the spec says so). */
const ROLES: Record<OsKind, ReadonlyArray<readonly ProcSpec[]>> = {
  linux: [
    [
      ['root', 'nginx: master process /usr/sbin/nginx -g daemon on; master_process on;', 0, 0.1],
      ['www-data', 'nginx: worker process', 1.5, 0.3],
      ['www-data', 'php-fpm: pool www', 4, 1.2],
      ['www-data', 'php-fpm: pool www', 3, 1.1],
      ['root', 'php-fpm: master process (/etc/php/8.2/fpm/php-fpm.conf)', 0.01, 0.3]
    ],
    [
      ['postgres', '/usr/lib/postgresql/15/bin/postgres -D /var/lib/postgresql/15/main -c config_file=/etc/postgresql/15/main/postgresql.conf', 0.1, 0.6],
      ['postgres', 'postgres: 15/main: checkpointer', 0.2, 2.5],
      ['postgres', 'postgres: 15/main: background writer', 0.1, 0.5],
      ['postgres', 'postgres: 15/main: walwriter', 0.1, 0.3],
      ['postgres', 'postgres: 15/main: autovacuum launcher', 0.01, 0.1],
      ['postgres', 'postgres: 15/main: logical replication launcher', 0, 0.1],
      ['postgres', 'postgres: 15/main: app orders 10.0.3.17(50412) idle', 6, 3.1],
      ['postgres', 'postgres: 15/main: app orders 10.0.3.18(41876) idle', 5, 2.9],
      ['postgres', 'postgres: 15/main: report orders 10.0.3.40(60214) idle', 2, 4.2]
    ],
    [
      ['app', 'java -Xms4g -Xmx4g -XX:+UseG1GC -Dspring.profiles.active=prod -jar /opt/orders/orders-service.jar', 35, 18.5],
      ['root', '/usr/bin/dockerd -H fd:// --containerd=/run/containerd/containerd.sock', 0.5, 1.1],
      ['root', '/usr/bin/containerd', 0.4, 0.6]
    ],
    [
      ['app', 'node /srv/api/dist/server.js', 9, 3.5],
      ['app', 'node /srv/api/dist/worker.js --queue emails', 2, 1.8],
      ['redis', '/usr/bin/redis-server 127.0.0.1:6379', 1.2, 2.2]
    ],
    [
      ['oracle', 'ora_pmon_ORCL', 0.1, 0.4],
      ['oracle', 'ora_dbw0_ORCL', 0.8, 2.1],
      ['oracle', 'ora_lgwr_ORCL', 0.6, 1.2],
      ['oracle', 'ora_ckpt_ORCL', 0.2, 0.6],
      ['oracle', 'ora_smon_ORCL', 0.1, 0.9],
      ['oracle', 'ora_mmon_ORCL', 0.3, 1.1],
      ['oracle', 'oracleORCL (LOCAL=NO)', 7, 4.5],
      ['oracle', 'oracleORCL (LOCAL=NO)', 4, 4.1],
      ['oracle', '/u01/app/oracle/product/19.0.0/dbhome_1/bin/tnslsnr LISTENER -inherit', 0.05, 0.2]
    ]
  ],
  aix: [
    [
      ['oracle', 'ora_pmon_PROD', 0.1, 0.4],
      ['oracle', 'ora_dbw0_PROD', 0.8, 2.1],
      ['oracle', 'ora_lgwr_PROD', 0.6, 1.2],
      ['oracle', 'ora_smon_PROD', 0.1, 0.9],
      ['oracle', 'oraclePROD (LOCAL=NO)', 6, 4.4],
      ['oracle', '/u01/app/oracle/product/19.0.0/dbhome_1/bin/tnslsnr LISTENER -inherit', 0.05, 0.2]
    ],
    [
      ['db2inst1', 'db2sysc 0', 12, 22.0],
      ['root', 'db2wdog 0 [db2inst1]', 0.01, 0.1],
      ['db2fenc1', 'db2fmp ( ,1,0,0,0,0,0,00000000,0,0,0000000000000000,0,0,0000000000000000,0000000000000000,00000000,00000000,00000000,00000000,00000000,00000000,00000000', 0.3, 0.8]
    ],
    [['wasadmin', '/usr/IBM/WebSphere/AppServer/java/8.0/bin/java -Xms2048m -Xmx4096m com.ibm.ws.runtime.WsServer /usr/IBM/WebSphere/AppServer/profiles/AppSrv01/config cell01 node01 server1', 20, 15.0]]
  ]
}

/** Jobs that start, run a while and exit: `{n}` is a number that changes from run to run. */
const JOBS: Record<OsKind, readonly ProcSpec[]> = {
  linux: [
    ['root', 'gzip -9 /var/log/app/app.log.{n}', 95, 0.0],
    ['root', '/usr/lib/sysstat/sa1 1 1', 20, 0.0],
    ['root', 'find /var/tmp -xdev -mtime +7 -delete', 40, 0.0],
    ['app', '/usr/bin/python3 /opt/jobs/export.py --batch {n}', 85, 1.4],
    ['backup', 'rsync -a --delete /srv/data/ backup01:/backup/{host}/', 30, 0.2],
    ['root', 'tar czf /backup/etc-{n}.tgz /etc', 70, 0.1],
    ['postgres', 'pg_dump -Fc -f /backup/orders-{n}.dump orders', 60, 0.5],
    ['root', 'run-parts --report /etc/cron.hourly', 5, 0.0],
    ['app', 'sort -k2 -t, /srv/import/batch-{n}.csv', 90, 2.5],
    ['root', '/usr/bin/apt-get -qq update', 35, 0.4],
    ['root', 'du -sh /var/log', 25, 0.0]
  ],
  aix: [
    ['root', '/usr/bin/topasrec -L -s 300 -R 1 -r 6 -o /etc/perf/daily/ -ypersistent=1 -O type=bin -ystart_time={n}', 15, 0.1],
    ['oracle', 'rman target / cmdfile=/home/oracle/rman/backup_{n}.rcv', 45, 1.2],
    ['root', 'find /tmp -xdev -mtime +7 -exec rm {} ;', 40, 0.0],
    ['root', 'gzip /var/adm/ras/errlog.{n}', 95, 0.0],
    ['root', '/usr/sbin/mksysb -i -X /backup/mksysb.{host}', 55, 0.3]
  ]
}

/** Linux kernel threads ps -e lists at low pids: always 0.0 %CPU, 0.0 %MEM. */
function kernelThreads(cpus: number): string[] {
  const perCpu = (name: string): string[] => Array.from({ length: cpus }, (_, cpu) => `[${name.replace('N', String(cpu))}]`)
  return [
    '[kthreadd]', '[rcu_gp]', '[rcu_par_gp]', '[slub_flushwq]', '[netns]', '[kworker/0:0H-events_highpri]', '[mm_percpu_wq]',
    '[rcu_tasks_kthread]', '[rcu_tasks_rude_kthread]', '[rcu_tasks_trace_kthread]', '[rcu_preempt]',
    ...perCpu('ksoftirqd/N'), ...perCpu('migration/N'), ...perCpu('cpuhp/N'), ...perCpu('kworker/N:1-events'),
    '[kdevtmpfs]', '[inet_frag_wq]', '[kauditd]', '[khungtaskd]', '[oom_reaper]', '[writeback]', '[kcompactd0]', '[ksmd]',
    '[khugepaged]', '[kintegrityd]', '[kblockd]', '[blkcg_punt_bio]', '[kswapd0]', '[kthrotld]', '[acpi_thermal_pm]',
    '[scsi_eh_0]', '[scsi_tmf_0]', '[jbd2/vda1-8]', '[ext4-rsv-conver]', '[ipv6_addrconf]', '[kstrp]', '[zswap-shrink]'
  ]
}

/**
 * The `ps … --sort=-pcpu | head` snapshot: ps's %CPU is cpu time ÷ time since the process
 * started (so a daemon's barely moves, a new busy job's is high), %MEM is RSS ÷ RAM, both with
 * one decimal, rounded down as procps does. Daemons live for the whole run (a few restart,
 * with a new pid); jobs and cron jobs start, run seconds to minutes, and exit; pids grow with
 * every fork, most of which (ps itself, shells) are never seen.
 */
class ProcessSim {
  private readonly procs: Proc[] = []
  private readonly kernel: ProcessSample[]
  private readonly jobs: readonly ProcSpec[]
  private readonly cron: Array<{ spec: ProcSpec; periodS: number; runS: number }>
  private readonly jobsPerInterval: number
  private readonly forksPerInterval: number
  private readonly pidMax: number
  private readonly used = new Set<number>()
  private nextPid: number
  private lastS: number
  private runs = 0

  constructor(
    private readonly rng: Rng,
    private readonly os: OsKind,
    cpus: number,
    private readonly ramKiB: number,
    bootS: number,
    nowS: number,
    fixtureRows: readonly ProcessSample[],
    private readonly hostname: string
  ) {
    this.lastS = nowS
    this.pidMax = os === 'linux' ? rng.pick([32_768, 4_194_304]) : 40_000_000
    const kernel = os === 'linux' ? kernelThreads(cpus) : []
    this.kernel = kernel.map((command, i) => ({ pid: i + 2, user: 'root', cpu: 0, mem: 0, command }))
    this.nextPid = kernel.length + 2
    const daemon = ([user, command, cpuPercent, memPercent]: ProcSpec, startS: number): void => {
      const usualShare = (cpuPercent / 100) * rng.between(0.3, 3)
      this.spawn(user, command, startS, Infinity, usualShare, (memPercent / 100) * ramKiB * rng.between(0.7, 1.3), cpus)
      const proc = this.procs.at(-1) as Proc
      proc.cpuSeconds = usualShare * (nowS - startS) * rng.between(0.8, 1.2)
    }
    if (os === 'linux') daemon(['root', '/sbin/init', 0.02, 0.1], bootS)
    // AIX: the fixture's processes (init, errdemon, syncd, srcmstr, …) are the base system.
    for (const row of os === 'aix' ? fixtureRows : []) {
      this.spawn(row.user, row.command, bootS, Infinity, rng.between(0, 0.0005), ((row.mem ?? 0) / 100) * ramKiB, cpus)
      const proc = this.procs.at(-1) as Proc
      this.used.delete(proc.pid)
      proc.pid = row.pid
      this.used.add(row.pid)
    }
    const roles = rng.pick([[], [0], [1], [2], [0, 1], [rng.int(0, ROLES[os].length - 1)]])
    const specs = [...(os === 'linux' ? LINUX_SYSTEM : AIX_SYSTEM), ...roles.flatMap((role) => ROLES[os][role] ?? [])]
    // Most daemons started at boot; some were restarted since (a deploy, a crash).
    for (const spec of specs) daemon(spec, rng.chance(0.8) ? bootS + rng.between(1, 30) : rng.between(bootS, nowS - 60))
    // Linux: the fixture's own processes (CPU burners, a sleep) join the jobs.
    this.jobs = [...JOBS[os], ...(os === 'linux' ? fixtureRows.filter((row) => row.pid !== 1).map((row): ProcSpec => [row.user, row.command, row.cpu ?? 0, row.mem ?? 0]) : [])]
    this.cron = Array.from({ length: rng.int(0, 3) }, () => ({ spec: rng.pick(this.jobs), periodS: rng.pick([60, 300, 600, 900, 3600]), runS: rng.between(1, 40) }))
    this.jobsPerInterval = rng.between(0.01, 0.4)
    this.forksPerInterval = rng.between(4, 40)
  }

  snapshot(nowS: number, factor: number, top: number): SampleValues[] {
    const { rng } = this
    const seconds = nowS - this.lastS
    const start = (spec: ProcSpec, at: number, runS: number): void => {
      const [user, command, cpuPercent, memPercent] = spec
      const text = command.replace('{n}', String(++this.runs)).replace('{host}', this.hostname)
      this.spawn(user, text, at, at + runS, (cpuPercent / 100) * rng.between(0.5, 1), (memPercent / 100) * this.ramKiB * rng.between(0.5, 1.5) + 1024, 1)
    }
    for (let n = rng.poisson(this.jobsPerInterval * factor); n > 0; n--) start(rng.pick(this.jobs), this.lastS + rng.next() * seconds, Math.exp(rng.between(0, 6)))
    for (const job of this.cron) {
      const due = Math.floor(nowS / job.periodS) * job.periodS
      if (due > this.lastS) start(job.spec, due, job.runS * rng.between(0.8, 1.25))
    }
    this.nextPid += rng.poisson(this.forksPerInterval)
    const live: ProcessSample[] = []
    for (let i = this.procs.length - 1; i >= 0; i--) {
      const proc = this.procs[i] as Proc
      if (proc.endS <= nowS) {
        this.procs.splice(i, 1)
        this.used.delete(proc.pid)
        continue
      }
      if (proc.endS === Infinity && rng.chance(2e-6)) {
        // A daemon restarts: a new pid, its cpu time from zero.
        this.used.delete(proc.pid)
        proc.pid = this.takePid()
        proc.startS = nowS - rng.next() * seconds
        proc.cpuSeconds = 0
      }
      proc.share = clamp(proc.share + 0.1 * (proc.usualShare * (0.5 + 0.5 * factor) - proc.share) + proc.usualShare * 0.3 * rng.normal(), 0, proc.maxShare)
      proc.cpuSeconds += proc.share * Math.min(seconds, nowS - proc.startS)
      proc.rssKiB = Math.max(0, proc.rssKiB * (1 + 0.002 * rng.normal()))
      live.push(this.row(proc, nowS))
    }
    this.lastS = nowS
    return this.top(live, top) as unknown as SampleValues[]
  }

  private spawn(user: string, command: string, startS: number, endS: number, usualShare: number, rssKiB: number, maxShare: number): void {
    this.procs.push({ pid: this.takePid(), user, command, startS, endS, cpuSeconds: 0, share: usualShare, usualShare, maxShare, rssKiB })
  }

  /** Linux hands out pids in order and wraps at pid_max (to 300); AIX's look random. */
  private takePid(): number {
    for (;;) {
      let pid: number
      if (this.os === 'aix') pid = this.rng.int(65_536, this.pidMax)
      else {
        pid = this.nextPid++
        if (this.nextPid > this.pidMax) this.nextPid = 300
      }
      if (!this.used.has(pid)) {
        this.used.add(pid)
        return pid
      }
    }
  }

  /** ps's columns: %CPU = cpu jiffies (100 Hz) ÷ whole seconds since start, one decimal rounded down (no decimal past 99.9). */
  private row(proc: Proc, nowS: number): ProcessSample {
    const elapsed = Math.floor(nowS - proc.startS)
    const permille = elapsed > 0 ? Math.floor((Math.floor(proc.cpuSeconds * 100) * 10) / elapsed) : 0
    const cpu = permille > 999 ? Math.floor(permille / 10) : permille / 10
    const mem = Math.floor((proc.rssKiB * 1000) / this.ramKiB) / 10
    return { pid: proc.pid, user: proc.user, cpu, mem, command: proc.command }
  }

  /**
   * The first `top` lines of the sorted listing: by %CPU, busiest first; ties in pid order
   * (procps lists /proc in pid order; AIX's `sort -k3,3nr` compares the rest of the line in
   * reverse, so the higher pid first).
   */
  private top(live: ProcessSample[], top: number): ProcessSample[] {
    const tie = this.os === 'linux' ? 1 : -1
    live.sort((a, b) => (b.cpu ?? 0) - (a.cpu ?? 0) || tie * (a.pid - b.pid))
    const busy = live.filter((row) => (row.cpu ?? 0) > 0)
    if (busy.length >= top || this.kernel.length === 0) return live.slice(0, top)
    // Kernel threads are idle, low-pid lines: they fill the list after the busy ones, in pid order.
    const idle = [...live.slice(busy.length), ...this.kernel].sort((a, b) => a.pid - b.pid)
    return [...busy, ...idle.slice(0, top - busy.length)]
  }
}
