// Pure parsers for the Linux files and commands the dashboard and monitoring plugins read:
// /proc/stat, /proc/meminfo, /proc/loadavg, `df -kP` and the identity command. Total, like the
// host parsers: any text in, a value or an error out, never a throw.
import { excerpt, firstLine, parseDecimal, parseWhole, splitLines, tokenize } from '../../base/text'

export type Parsed<T> = { ok: true; value: T } | { ok: false; error: string }

/** One `cpu` line of /proc/stat, in clock ticks (USER_HZ) since boot. */
export interface CpuTimes {
  /** 'cpu' for the whole machine, 'cpu0', 'cpu1', … for each CPU. */
  cpu: string
  user: number
  nice: number
  system: number
  idle: number
  iowait: number
  irq: number
  softirq: number
  steal: number
}

export interface ProcStat {
  /** The machine-wide line. */
  total: CpuTimes
  /** One per online CPU, in the kernel's order. */
  perCpu: CpuTimes[]
  /** Context switches since boot. */
  contextSwitches: number
  /** Processes created since boot. */
  forks: number
  procsRunning: number
  procsBlocked: number
}

/** The /proc/meminfo lines the plugins use, in kB as the kernel prints them. */
export interface MemInfo {
  memTotal: number
  memFree: number
  buffers: number
  cached: number
  swapTotal: number
  swapFree: number
}

export interface LoadAverage {
  /** As the kernel prints them ("0.07"): the monitoring probe reports these strings verbatim. */
  load1: string
  load5: string
  load15: string
  /** Scheduling entities that exist now (the number after the slash). */
  processes: number
}

export interface FilesystemUsage {
  device: string
  mountPoint: string
  totalBytes: number
  usedBytes: number
}

export interface SystemIdentity {
  hostname: string
  /** Kernel name and release, e.g. "Linux 6.1.0-18-amd64". */
  osVersion: string
  /** Online CPUs. */
  cpuCount: number
  /** USER_HZ: the unit of the /proc/stat CPU times. */
  clockTicksPerSecond: number
}

function fail<T>(error: string): Parsed<T> {
  return { ok: false, error }
}

/** The /proc/stat columns after the name, oldest kernels first: steal arrived in 2.6.11. */
const CPU_COLUMNS = ['user', 'nice', 'system', 'idle', 'iowait', 'irq', 'softirq', 'steal'] as const

function readCpuLine(tokens: string[]): CpuTimes | null {
  const [name, ...values] = tokens
  if (name === undefined || !/^cpu\d*$/.test(name)) return null
  const times: CpuTimes = { cpu: name, user: 0, nice: 0, system: 0, idle: 0, iowait: 0, irq: 0, softirq: 0, steal: 0 }
  // user, nice, system and idle exist on every kernel; the rest count as zero where absent.
  if (values.length < 4) return null
  for (const [index, column] of CPU_COLUMNS.entries()) {
    const token = values[index]
    if (token === undefined) break
    const value = parseWhole(token)
    if (value === null) return null
    times[column] = value
  }
  return times
}

export function parseProcStat(text: string): Parsed<ProcStat> {
  let total: CpuTimes | null = null
  const perCpu: CpuTimes[] = []
  const counters = new Map<string, number>()
  for (const line of splitLines(text)) {
    const tokens = tokenize(line)
    const name = tokens[0]
    if (name === undefined) continue
    if (name.startsWith('cpu')) {
      const times = readCpuLine(tokens)
      if (!times) return fail(`unreadable CPU line in /proc/stat: '${excerpt(line)}'`)
      if (times.cpu === 'cpu') total = times
      else perCpu.push(times)
    } else if (['ctxt', 'processes', 'procs_running', 'procs_blocked'].includes(name)) {
      const value = parseWhole(tokens[1])
      if (value === null) return fail(`unreadable '${name}' line in /proc/stat: '${excerpt(line)}'`)
      counters.set(name, value)
    }
  }
  if (!total) return fail(`no 'cpu' line in /proc/stat (it starts with '${firstLine(text)}')`)
  const missing = ['ctxt', 'processes', 'procs_running', 'procs_blocked'].filter((name) => !counters.has(name))
  if (missing.length > 0) return fail(`/proc/stat has no ${missing.map((name) => `'${name}'`).join(', ')} line`)
  return {
    ok: true,
    value: {
      total,
      perCpu,
      contextSwitches: counters.get('ctxt') ?? 0,
      forks: counters.get('processes') ?? 0,
      procsRunning: counters.get('procs_running') ?? 0,
      procsBlocked: counters.get('procs_blocked') ?? 0
    }
  }
}

const MEMINFO_KEYS: Record<string, keyof MemInfo> = {
  MemTotal: 'memTotal',
  MemFree: 'memFree',
  Buffers: 'buffers',
  Cached: 'cached',
  SwapTotal: 'swapTotal',
  SwapFree: 'swapFree'
}

export function parseMeminfo(text: string): Parsed<MemInfo> {
  const found: Partial<MemInfo> = {}
  for (const line of splitLines(text)) {
    const match = /^(\w+):\s+(\d+)(?:\s+kB)?\s*$/.exec(line)
    const key = match ? MEMINFO_KEYS[match[1] ?? ''] : undefined
    if (!match || !key) continue
    const value = parseWhole(match[2])
    if (value !== null) found[key] = value
  }
  const missing = Object.entries(MEMINFO_KEYS)
    .filter(([, key]) => found[key] === undefined)
    .map(([name]) => name)
  if (missing.length > 0) return fail(`/proc/meminfo has no ${missing.join(', ')} (it starts with '${firstLine(text)}')`)
  const value = found as MemInfo
  if (value.memTotal === 0) return fail('/proc/meminfo reports MemTotal: 0 kB')
  return { ok: true, value }
}

export function parseLoadavg(text: string): Parsed<LoadAverage> {
  // "0.49 0.68 0.76 1/267 22370": three averages, runnable/existing entities, last pid.
  const [load1, load5, load15, entities] = tokenize(splitLines(text)[0] ?? '')
  const processes = parseWhole(entities?.split('/')[1])
  if (parseDecimal(load1) === null || parseDecimal(load5) === null || parseDecimal(load15) === null || processes === null) {
    return fail(`unreadable /proc/loadavg: '${firstLine(text)}'`)
  }
  return { ok: true, value: { load1: load1 as string, load5: load5 as string, load15: load15 as string, processes } }
}

// POSIX `df -kP` rows never wrap: device, 1024-blocks, used, available, capacity, mount point.
// The mount point is the rest of the line (it may hold spaces), and so may the device name.
const DF_ROW = /^(.+?)\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+%|-)\s+(\/.*)$/

export function parseDf(text: string): Parsed<FilesystemUsage[]> {
  const lines = splitLines(text).filter((line) => line.trim() !== '')
  const header = tokenize(lines[0] ?? '')
  if (header[0] !== 'Filesystem' || !/^\d+-blocks$/.test(header[1] ?? '')) {
    return fail(`not 'df -kP' output: '${firstLine(text)}'`)
  }
  const blockBytes = Number(/^(\d+)-blocks$/.exec(header[1] ?? '')?.[1] ?? 1024)
  const rows: FilesystemUsage[] = []
  for (const line of lines.slice(1)) {
    const match = DF_ROW.exec(line.trimEnd())
    if (!match) return fail(`unreadable 'df -kP' row: '${excerpt(line)}'`)
    rows.push({
      device: match[1] ?? '',
      mountPoint: match[6] ?? '',
      totalBytes: Number(match[2]) * blockBytes,
      usedBytes: Number(match[3]) * blockBytes
    })
  }
  return { ok: true, value: rows }
}

/** What IDENTITY_COMMAND prints: five lines, in this order. */
export const IDENTITY_LINES = ['kernel name', 'kernel release', 'host name', 'clock ticks per second', 'online CPUs'] as const

export function parseIdentity(text: string): Parsed<SystemIdentity> {
  const lines = splitLines(text).map((line) => line.trim())
  const [sysname, release, hostname, ticks, cpus] = lines
  const clockTicksPerSecond = parseWhole(ticks)
  const cpuCount = parseWhole(cpus)
  if (!sysname || !release || !hostname || !clockTicksPerSecond || !cpuCount) {
    return fail(`expected ${IDENTITY_LINES.join(', ')} on five lines, got '${excerpt(lines.join(' | '))}'`)
  }
  return { ok: true, value: { hostname, osVersion: `${sysname} ${release}`, cpuCount, clockTicksPerSecond } }
}

/** What the temboard UI shows of a host next to its CPUs and memory. */
export interface HostDescription {
  /** The distribution as /etc/os-release names it ("Debian GNU/Linux 12 (bookworm)"); null without one. */
  distribution: string | null
  /** CPU models, each with the number of logical CPUs of that model (/proc/cpuinfo); empty when it names none. */
  cpuModels: Record<string, number>
}

/** Printed between /etc/os-release and the model lines of /proc/cpuinfo (DESCRIPTION_COMMAND). */
export const DESCRIPTION_SEPARATOR = '--vigil-cpuinfo--'

/** A shell word of os-release: "double quoted" (\-escapes), 'single quoted' or bare. */
function osReleaseValue(raw: string): string {
  const text = raw.trim()
  if (text.length >= 2 && text.startsWith('"') && text.endsWith('"')) return text.slice(1, -1).replace(/\\(["$`\\])/g, '$1')
  if (text.length >= 2 && text.startsWith("'") && text.endsWith("'")) return text.slice(1, -1)
  return text
}

/** Total: a host without /etc/os-release (AIX, an old Linux) or without model names (some ARM boards) gives nulls and {}. */
export function parseHostDescription(text: string): HostDescription {
  const lines = splitLines(text)
  const at = lines.findIndex((line) => line.trim() === DESCRIPTION_SEPARATOR)
  const release = at < 0 ? lines : lines.slice(0, at)
  const cpuinfo = at < 0 ? [] : lines.slice(at + 1)
  const fields = new Map<string, string>()
  for (const line of release) {
    const match = /^([A-Z_][A-Z0-9_]*)=(.*)$/.exec(line.trim())
    if (match?.[1] && match[2] !== undefined) fields.set(match[1], osReleaseValue(match[2]))
  }
  const named = [fields.get('NAME'), fields.get('VERSION')].filter(Boolean).join(' ')
  const distribution = fields.get('PRETTY_NAME') || named || null
  const cpuModels: Record<string, number> = {}
  for (const line of cpuinfo) {
    const match = /^model name\s*:\s*(.+)$/.exec(line.trim())
    const model = match?.[1]?.replace(/\s+/g, ' ').trim()
    if (model) cpuModels[model] = (cpuModels[model] ?? 0) + 1
  }
  return { distribution, cpuModels }
}
