import { describe, expect, it } from 'vitest'
import type { CommandRunner, ExecResult } from '../../src/main/base/exec/runner'
import { cpuBuckets } from '../../src/main/postgres/host/cpu-times'
import { runCommandOn } from '../../src/main/postgres/host/local'
import { DESCRIPTION_SEPARATOR, parseDf, parseHostDescription, parseIdentity, parseLoadavg, parseMeminfo, parseProcStat, type Parsed } from '../../src/main/postgres/host/parsers'
import { CommandSystemSource, SYSTEM_COMMANDS } from '../../src/main/postgres/host/source'
import { AppError } from '../../src/shared/errors'

// Real outputs: a Debian 12 VM (kernel 6.x, 2 CPUs) and an older RHEL 5 host (kernel 2.6.18).
const PROC_STAT = `cpu  469640 3383 95911 4246575 7122 0 8001 282 0 0
cpu0 211771 1653 42497 2154571 1336 0 3333 133 0 0
cpu1 257869 1730 53413 2092004 5785 0 4668 149 0 0
intr 9552427 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 1 1 13 0 0 0 0 4891 808
ctxt 25303834
btime 1732450000
processes 87297
procs_running 1
procs_blocked 0
softirq 3016842 0 713340 12 96327 0 0 1 1081120 0 1126042
`

const PROC_STAT_2_6_9 = `cpu  2255 34 2290 22625563 6290 127 456
cpu0 1132 34 1441 11311718 3675 127 438
ctxt 1990473
btime 1062191376
processes 2915
procs_running 1
procs_blocked 0
`

const MEMINFO = `MemTotal:       24684084 kB
MemFree:        23237052 kB
MemAvailable:   23710972 kB
Buffers:            1608 kB
Cached:           614308 kB
SwapCached:            0 kB
Active:           260092 kB
SwapTotal:       2097148 kB
SwapFree:        2000000 kB
HugePages_Total:       0
`

const DF = `Filesystem              1024-blocks     Used Available Capacity Mounted on
devtmpfs                   12334460        0  12334460       0% /dev
/dev/vda                  264212084 24447700  81943212      23% /
//nas/share with space      1000000   250000    750000      25% /mnt/My Share
server:/export/home         2048000  1024000   1024000      50% /home
`

function valueOf<T>(parsed: Parsed<T>): T {
  if (!parsed.ok) throw new Error(`expected a value, got: ${parsed.error}`)
  return parsed.value
}

function errorOf<T>(parsed: Parsed<T>): string {
  if (parsed.ok) throw new Error(`expected an error, got ${JSON.stringify(parsed.value)}`)
  return parsed.error
}

describe('parseProcStat', () => {
  it('reads the machine-wide and per-CPU times and the process counters', () => {
    const stat = valueOf(parseProcStat(PROC_STAT))
    expect(stat.total).toEqual({ cpu: 'cpu', user: 469640, nice: 3383, system: 95911, idle: 4246575, iowait: 7122, irq: 0, softirq: 8001, steal: 282 })
    expect(stat.perCpu.map((cpu) => cpu.cpu)).toEqual(['cpu0', 'cpu1'])
    expect(stat.perCpu[1]?.idle).toBe(2092004)
    expect(stat).toMatchObject({ contextSwitches: 25303834, forks: 87297, procsRunning: 1, procsBlocked: 0 })
  })

  it('takes steal as zero on kernels that do not have it', () => {
    const stat = valueOf(parseProcStat(PROC_STAT_2_6_9))
    expect(stat.total).toMatchObject({ softirq: 456, steal: 0 })
    expect(stat.perCpu).toHaveLength(1)
  })

  it('says what is wrong with other text', () => {
    expect(errorOf(parseProcStat(''))).toMatch(/no 'cpu' line in \/proc\/stat/)
    expect(errorOf(parseProcStat('cpu  1 2 x 4\nctxt 1\nprocesses 1\nprocs_running 1\nprocs_blocked 0'))).toMatch(/unreadable CPU line/)
    expect(errorOf(parseProcStat('cpu  1 2 3 4 5 6 7 8'))).toBe("/proc/stat has no 'ctxt', 'processes', 'procs_running', 'procs_blocked' line")
  })
})

describe('cpuBuckets', () => {
  it('counts nice as user time and interrupts as system time', () => {
    const stat = valueOf(parseProcStat(PROC_STAT))
    expect(cpuBuckets(stat.total)).toEqual({ user: 469640 + 3383, system: 95911 + 0 + 8001, idle: 4246575, iowait: 7122, steal: 282 })
  })
})

describe('parseMeminfo', () => {
  it('reads the memory and swap figures in kB', () => {
    expect(valueOf(parseMeminfo(MEMINFO))).toEqual({
      memTotal: 24684084,
      memFree: 23237052,
      buffers: 1608,
      cached: 614308,
      swapTotal: 2097148,
      swapFree: 2000000
    })
  })

  it('names the lines it misses', () => {
    expect(errorOf(parseMeminfo('MemTotal: 100 kB\nMemFree: 50 kB\n'))).toMatch(/^\/proc\/meminfo has no Buffers, Cached, SwapTotal, SwapFree/)
    expect(errorOf(parseMeminfo(MEMINFO.replace('24684084', '0')))).toBe('/proc/meminfo reports MemTotal: 0 kB')
  })
})

describe('parseLoadavg', () => {
  it('keeps the averages as the kernel prints them and reads the process count', () => {
    expect(valueOf(parseLoadavg('0.07 0.16 0.09 1/486 22370\n'))).toEqual({ load1: '0.07', load5: '0.16', load15: '0.09', processes: 486 })
  })

  it('refuses anything else', () => {
    expect(errorOf(parseLoadavg('load average: 0.07'))).toMatch(/^unreadable \/proc\/loadavg/)
    expect(errorOf(parseLoadavg(''))).toMatch(/^unreadable/)
  })
})

describe('parseDf', () => {
  it('reads every filesystem in bytes, spaces in names included', () => {
    expect(valueOf(parseDf(DF))).toEqual([
      { device: 'devtmpfs', mountPoint: '/dev', totalBytes: 12334460 * 1024, usedBytes: 0 },
      { device: '/dev/vda', mountPoint: '/', totalBytes: 264212084 * 1024, usedBytes: 24447700 * 1024 },
      { device: '//nas/share with space', mountPoint: '/mnt/My Share', totalBytes: 1000000 * 1024, usedBytes: 250000 * 1024 },
      { device: 'server:/export/home', mountPoint: '/home', totalBytes: 2048000 * 1024, usedBytes: 1024000 * 1024 }
    ])
  })

  it('refuses output that is not df -kP', () => {
    expect(errorOf(parseDf('Sys. de fichiers blocs de 1K Utilisé Disponible Uti% Monté sur'))).toMatch(/^not 'df -kP' output/)
    expect(errorOf(parseDf(`${DF}garbage line\n`))).toBe("unreadable 'df -kP' row: 'garbage line'")
  })
})

describe('parseIdentity', () => {
  it('reads kernel, host name, clock tick and CPU count', () => {
    expect(valueOf(parseIdentity('Linux\n6.1.0-18-amd64\ndb-01.example.org\n100\n8\n'))).toEqual({
      hostname: 'db-01.example.org',
      osVersion: 'Linux 6.1.0-18-amd64',
      cpuCount: 8,
      clockTicksPerSecond: 100
    })
  })

  it('refuses an incomplete answer', () => {
    expect(errorOf(parseIdentity('Linux\n6.1.0\nhost\n'))).toMatch(/^expected kernel name, kernel release, host name, clock ticks per second, online CPUs on five lines/)
  })
})

describe('CommandSystemSource', () => {
  const outputs: Record<string, string> = {
    [SYSTEM_COMMANDS.identity]: 'Linux\n6.1.0\nvm\n100\n2\n',
    [SYSTEM_COMMANDS.procStat]: PROC_STAT,
    [SYSTEM_COMMANDS.memInfo]: MEMINFO,
    [SYSTEM_COMMANDS.loadAverage]: '0.07 0.16 0.09 1/486 22370\n',
    [SYSTEM_COMMANDS.filesystems]: DF
  }

  it('reads each fact through run(command), and the identity only once', async () => {
    const ran: string[] = []
    const source = new CommandSystemSource(async (command) => {
      ran.push(command)
      return outputs[command] ?? ''
    })
    expect((await source.identity()).hostname).toBe('vm')
    expect((await source.identity()).cpuCount).toBe(2)
    expect((await source.procStat()).forks).toBe(87297)
    expect((await source.memInfo()).cached).toBe(614308)
    expect((await source.loadAverage()).load15).toBe('0.09')
    expect(await source.filesystems()).toHaveLength(4)
    expect(ran).toEqual([SYSTEM_COMMANDS.identity, SYSTEM_COMMANDS.procStat, SYSTEM_COMMANDS.memInfo, SYSTEM_COMMANDS.loadAverage, SYSTEM_COMMANDS.filesystems])
  })

  it('fails with what it was reading, and tries the identity again after a failure', async () => {
    let fail = true
    const source = new CommandSystemSource(async (command) => {
      if (fail) throw new Error('ssh: connection lost')
      return outputs[command] ?? ''
    })
    await expect(source.identity()).rejects.toThrow(new AppError('unavailable', 'Could not read the host name, OS and CPU count: ssh: connection lost'))
    fail = false
    expect((await source.identity()).osVersion).toBe('Linux 6.1.0')

    const garbled = new CommandSystemSource(async () => 'Permission denied')
    await expect(garbled.memInfo()).rejects.toThrow(/^Could not read memory usage \(\/proc\/meminfo\): \/proc\/meminfo has no MemTotal/)
  })
})

describe('runCommandOn', () => {
  const runner = (result: ExecResult): CommandRunner => ({
    exec: async () => result,
    stream: () => ({ close: () => {} })
  })

  it('keeps the output of a command that printed and still failed (df with one unreadable mount)', async () => {
    const run = runCommandOn(runner({ stdout: DF, stderr: "df: /run/user/1000/doc: Operation not permitted\n", code: 1 }))
    expect(await run('LC_ALL=C df -kP')).toBe(DF)
  })

  it('fails a command that printed nothing, with its error output', async () => {
    const run = runCommandOn(runner({ stdout: '', stderr: 'cat: /proc/meminfo: No such file or directory\n', code: 1 }))
    await expect(run('cat /proc/meminfo')).rejects.toThrow("'cat /proc/meminfo' failed (exit 1): cat: /proc/meminfo: No such file or directory")
  })
})

describe('parseHostDescription', () => {
  it('reads the distribution from /etc/os-release and counts the CPU models of /proc/cpuinfo', () => {
    const text = [
      'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"',
      'NAME="Debian GNU/Linux"',
      'VERSION_ID="12"',
      DESCRIPTION_SEPARATOR,
      'model name\t: Intel(R) Xeon(R) CPU E5-2680 v4 @ 2.40GHz',
      'model name\t: Intel(R) Xeon(R) CPU E5-2680 v4 @ 2.40GHz',
      'model name\t: AMD EPYC 7B13'
    ].join('\n')
    expect(parseHostDescription(text)).toEqual({
      distribution: 'Debian GNU/Linux 12 (bookworm)',
      cpuModels: { 'Intel(R) Xeon(R) CPU E5-2680 v4 @ 2.40GHz': 2, 'AMD EPYC 7B13': 1 }
    })
  })

  it('falls back on NAME and VERSION, and gives null and {} for a host that says nothing', () => {
    expect(parseHostDescription(`NAME='Alpine Linux'\nVERSION=3.19\n${DESCRIPTION_SEPARATOR}\n`)).toEqual({ distribution: 'Alpine Linux 3.19', cpuModels: {} })
    expect(parseHostDescription(`${DESCRIPTION_SEPARATOR}\n`)).toEqual({ distribution: null, cpuModels: {} })
    expect(parseHostDescription('garbage')).toEqual({ distribution: null, cpuModels: {} })
  })
})
