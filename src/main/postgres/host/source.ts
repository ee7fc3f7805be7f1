// System facts the dashboard and monitoring plugins report next to PostgreSQL's: CPU times,
// memory, load, filesystems, processes, host identity. They describe the machine PostgreSQL
// runs on, so they can only be read there: on this host for a local instance, over SSH for a
// remote one whose server is registered too, and not at all otherwise (the plugins then report
// those fields as null or empty; see dashboard/index.ts and monitoring/index.ts).
//
// CommandSystemSource reads everything through `run(command)`, with plain commands (`cat
// /proc/stat`, `df -kP`), so the local source and an SSH one are the same code with a
// different runner: localSystemSource() in local.ts, runCommandOn(sshRunner) for a server.
import { AppError } from '../../../shared/errors'
import {
  DESCRIPTION_SEPARATOR,
  parseDf,
  parseHostDescription,
  parseIdentity,
  parseLoadavg,
  parseMeminfo,
  parseProcStat,
  type FilesystemUsage,
  type HostDescription,
  type LoadAverage,
  type MemInfo,
  type Parsed,
  type ProcStat,
  type SystemIdentity
} from './parsers'
import { messageOf } from '../../base/text'

export type { CpuTimes, FilesystemUsage, HostDescription, LoadAverage, MemInfo, ProcStat, SystemIdentity } from './parsers'

export interface SystemSource {
  /** Host name, OS, CPU count, clock tick: read once, they do not change while Vigil runs. */
  identity(): Promise<SystemIdentity>
  procStat(): Promise<ProcStat>
  memInfo(): Promise<MemInfo>
  loadAverage(): Promise<LoadAverage>
  filesystems(): Promise<FilesystemUsage[]>
  /** The distribution and the CPU models: read once, as the identity. Optional: a source that cannot tell gives none. */
  description?(): Promise<HostDescription>
}

/** Runs one shell command where PostgreSQL runs and gives its standard output. */
export type RunCommand = (command: string) => Promise<string>

// Fixed strings, nothing from a user. LC_ALL=C keeps df's header and numbers in the C locale.
export const SYSTEM_COMMANDS = {
  identity: 'uname -s; uname -r; uname -n; getconf CLK_TCK; getconf _NPROCESSORS_ONLN',
  procStat: 'cat /proc/stat',
  memInfo: 'cat /proc/meminfo',
  loadAverage: 'cat /proc/loadavg',
  filesystems: 'LC_ALL=C df -kP',
  // Either file may be missing (AIX, a container without /etc/os-release): what is there is read.
  description: `cat /etc/os-release 2>/dev/null; echo ${DESCRIPTION_SEPARATOR}; grep '^model name' /proc/cpuinfo 2>/dev/null; true`
} as const

export class CommandSystemSource implements SystemSource {
  private identityRead: Promise<SystemIdentity> | null = null
  private descriptionRead: Promise<HostDescription> | null = null

  constructor(private readonly run: RunCommand) {}

  identity(): Promise<SystemIdentity> {
    if (!this.identityRead) {
      const read = this.read(SYSTEM_COMMANDS.identity, parseIdentity, 'the host name, OS and CPU count')
      // A failed read is not kept: the next call tries again.
      read.catch(() => {
        if (this.identityRead === read) this.identityRead = null
      })
      this.identityRead = read
    }
    return this.identityRead
  }

  description(): Promise<HostDescription> {
    if (!this.descriptionRead) {
      const read = this.read(SYSTEM_COMMANDS.description, (text) => ({ ok: true, value: parseHostDescription(text) }), 'the distribution and CPU models')
      read.catch(() => {
        if (this.descriptionRead === read) this.descriptionRead = null
      })
      this.descriptionRead = read
    }
    return this.descriptionRead
  }

  procStat(): Promise<ProcStat> {
    return this.read(SYSTEM_COMMANDS.procStat, parseProcStat, 'CPU and process counters (/proc/stat)')
  }

  memInfo(): Promise<MemInfo> {
    return this.read(SYSTEM_COMMANDS.memInfo, parseMeminfo, 'memory usage (/proc/meminfo)')
  }

  loadAverage(): Promise<LoadAverage> {
    return this.read(SYSTEM_COMMANDS.loadAverage, parseLoadavg, 'the load average (/proc/loadavg)')
  }

  filesystems(): Promise<FilesystemUsage[]> {
    return this.read(SYSTEM_COMMANDS.filesystems, parseDf, 'filesystem usage (df -kP)')
  }

  private async read<T>(command: string, parse: (text: string) => Parsed<T>, what: string): Promise<T> {
    let output: string
    try {
      output = await this.run(command)
    } catch (error) {
      throw new AppError('unavailable', `Could not read ${what}: ${messageOf(error)}`)
    }
    const parsed = parse(output)
    if (!parsed.ok) throw new AppError('unavailable', `Could not read ${what}: ${parsed.error}`)
    return parsed.value
  }
}
