import { execFileSync, spawn } from 'node:child_process'
import { describe, expect, it } from 'vitest'
import { COMMANDS, createReportLoopStream, parseInterfaces, parseProcesses, type LoopReport, type OsKind } from '../../../src/main/metrics/parsers'
import { METRICS_CATALOGUE } from '../../../src/shared/metrics-catalogue'
import { readFixture, rowsOf } from './fixtures'

const OSES: readonly OsKind[] = ['linux', 'aix']

function everyCommand(os: OsKind): string[] {
  const commands = COMMANDS[os]
  return [commands.vmstat(5).command, commands.iostat(5).command, commands.processes(10).command, ...commands.interfaces.map((c) => c.command)]
}

describe('COMMANDS', () => {
  it('are exactly these, per OS and metric', () => {
    expect(COMMANDS.linux.vmstat(5)).toEqual({
      mode: 'stream',
      command:
        `LC_ALL=C vmstat -n -a 5 | { LC_ALL=C getconf PAGESIZE | LC_ALL=C awk '{ print "vigil-pagesize", $1 }'; ` +
        `while IFS= read -r l; do LC_ALL=C awk '/^pgsteal_/ && $1 !~ /_(anon|file)$/ { s += $2; n++ } END { if (n) printf "vigil-pgsteal %.0f\\n", s }' /proc/vmstat; ` +
        `printf '%s\\n' "$l"; done; }`,
      dropsFirstReport: true
    })
    expect(COMMANDS.linux.iostat(5)).toEqual({
      mode: 'stream',
      command: 'LC_ALL=C iostat -d -k -x -y 5',
      dropsFirstReport: false,
      fallback: { command: 'LC_ALL=C iostat -d -k -x 5', dropsFirstReport: true, refusal: expect.any(RegExp) }
    })
    expect(COMMANDS.linux.interfaces).toEqual([
      { mode: 'exec', command: 'LC_ALL=C cat /proc/net/dev', source: 'procnetdev' },
      { mode: 'exec', command: 'LC_ALL=C netstat -i', source: 'netstat' }
    ])
    expect(COMMANDS.linux.processes(10)).toEqual({
      mode: 'exec',
      command: 'LC_ALL=C ps -e -ww -o pid,user:32,pcpu,pmem,args --sort=-pcpu | head -n 11'
    })
    expect(COMMANDS.aix.vmstat(30)).toEqual({ mode: 'stream', command: 'LC_ALL=C vmstat 30', dropsFirstReport: true })
    expect(COMMANDS.aix.iostat(30)).toEqual({ mode: 'stream', command: 'LC_ALL=C iostat -dD 30', dropsFirstReport: true })
    expect(COMMANDS.aix.interfaces).toEqual([{ mode: 'exec', command: 'LC_ALL=C netstat -in', source: 'netstat' }])
    expect(COMMANDS.aix.processes(10)).toEqual({
      mode: 'exec',
      command: `LC_ALL=C ps -e -o pid,user,pcpu,pmem,args | { IFS= read -r h; printf '%s\\n' "$h"; LC_ALL=C sort -k3,3nr | head -n 10; }`
    })
  })

  it('run netstat and ps as one report loop: each report after its marker line, then the end marker, then the interval', () => {
    const linuxPs = `echo ':vigil-report: process' || exit; ps -e -ww -o pid,user:32,pcpu,pmem,args --sort=-pcpu 2>&1 | head -n 11`
    const tail = `echo ':vigil-report: end' || exit; sleep 5; done`
    expect(COMMANDS.linux.reportLoop(5, 10)).toEqual({
      mode: 'stream',
      command:
        `LC_ALL=C; export LC_ALL; while :; do if [ -r /proc/net/dev ]; then echo ':vigil-report: netstat procnetdev' || exit; cat /proc/net/dev 2>&1; ` +
        `else echo ':vigil-report: netstat netstat' || exit; netstat -i 2>&1; fi; ${linuxPs}; ${tail}`,
      // For a /proc/net/dev that does not read: netstat -i only.
      fallback: { command: `LC_ALL=C; export LC_ALL; while :; do echo ':vigil-report: netstat netstat' || exit; netstat -i 2>&1; ${linuxPs}; ${tail}` }
    })
    expect(COMMANDS.aix.reportLoop(30, 10)).toEqual({
      mode: 'stream',
      command:
        `LC_ALL=C; export LC_ALL; while :; do echo ':vigil-report: netstat netstat' || exit; netstat -in 2>&1; ` +
        `echo ':vigil-report: process' || exit; ps -e -o pid,user,pcpu,pmem,args 2>&1 | { IFS= read -r h; printf '%s\\n' "$h"; sort -k3,3nr | head -n 10; }; ` +
        `echo ':vigil-report: end' || exit; sleep 30; done`
    })
    for (const os of OSES) {
      const loop = COMMANDS[os].reportLoop(5, 10)
      expect(Object.isFrozen(loop)).toBe(true)
      // Its reports are the exec commands' (collectOnce still runs those), minus the per-command LC_ALL=C.
      expect(loop.command).toContain(COMMANDS[os].processes(10).command.replace(/LC_ALL=C /g, '').replace(/ \| /, ' 2>&1 | '))
      for (const { command } of COMMANDS[os].interfaces) expect(loop.command).toContain(`${command.replace('LC_ALL=C ', '')} 2>&1`)
    }
  })

  it('always start with LC_ALL=C and hold no text but the numbers given', () => {
    for (const os of OSES) {
      for (const command of everyCommand(os)) {
        expect(command.startsWith('LC_ALL=C ')).toBe(true)
        expect(command).not.toMatch(/\$\(|`/)
      }
    }
  })

  it('refuse numbers Vigil would never send, instead of building a command from them', () => {
    for (const os of OSES) {
      for (const bad of [0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, 86_401]) {
        expect(() => COMMANDS[os].vmstat(bad)).toThrow(RangeError)
        expect(() => COMMANDS[os].iostat(bad)).toThrow(RangeError)
      }
      for (const bad of [0, -3, 2.5, 1001, Number.NaN]) expect(() => COMMANDS[os].processes(bad)).toThrow(RangeError)
      for (const bad of [0, -1, 1.5, Number.NaN, 86_401]) expect(() => COMMANDS[os].reportLoop(bad, 10)).toThrow(RangeError)
      for (const bad of [0, 2.5, 1001]) expect(() => COMMANDS[os].reportLoop(5, bad)).toThrow(RangeError)
      const loop = COMMANDS[os].reportLoop(86_400, 1000)
      expect([loop.command, loop.fallback?.command ?? ''].join(' ')).not.toMatch(/\$\(|`/)
      expect(loop.command).toMatch(/ sleep 86400; done$/)
      expect(loop.command).toMatch(/head -n 100[01][; ]/)
      expect(COMMANDS[os].vmstat(86_400).command).toMatch(/ 86400( \||$)/)
      expect(COMMANDS[os].processes(1000).command).toMatch(/head -n 100[01];? ?\}?$/)
    }
  })

  it('are frozen', () => {
    expect(Object.isFrozen(COMMANDS)).toBe(true)
    expect(Object.isFrozen(COMMANDS.linux)).toBe(true)
    expect(Object.isFrozen(COMMANDS.aix.interfaces)).toBe(true)
    expect(Object.isFrozen(COMMANDS.linux.vmstat(5))).toBe(true)
  })

  it('are the ones the field catalogue documents', () => {
    const documented = (metric: string, os: OsKind): string => {
      const entry = METRICS_CATALOGUE.find((candidate) => candidate.metric === metric)
      return entry?.commands[os].command ?? ''
    }
    for (const os of OSES) {
      expect(COMMANDS[os].vmstat(7).command).toBe(documented('vmstat', os).replace('<interval>', '7'))
      expect(COMMANDS[os].iostat(7).command).toBe(documented('iostat', os).replace('<interval>', '7'))
      expect(COMMANDS[os].processes(9).command).toBe(documented('process', os).replace('<N+1>', '10').replace('<N>', '9'))
      expect(COMMANDS[os].interfaces[0]?.command).toBe(documented('netstat', os))
    }
    const linuxNetstat = METRICS_CATALOGUE.find((entry) => entry.metric === 'netstat')?.commands.linux
    expect(COMMANDS.linux.interfaces[1]?.command).toBe(linuxNetstat?.fallback)
    const linuxIostat = METRICS_CATALOGUE.find((entry) => entry.metric === 'iostat')?.commands.linux
    expect(COMMANDS.linux.iostat(7).fallback?.command).toBe(linuxIostat?.fallback?.replace('<interval>', '7'))
  })
})

// The exec commands run here for real (this host is Linux): the strings are valid shell and
// their output parses. The AIX ps pipeline is run with procps ps, which takes the same -o list,
// to check its shell plumbing (header kept, rest sorted, N kept) in a POSIX sh.
describe.runIf(process.platform === 'linux')('the exec commands, run on this host', () => {
  const sh = (command: string): string => execFileSync('/bin/sh', ['-c', command], { encoding: 'utf8' })

  it('Linux processes: the top N by CPU, parsed', () => {
    const rows = rowsOf(parseProcesses(sh(COMMANDS.linux.processes(3).command), 'linux'))
    expect(rows.length).toBeGreaterThan(0)
    expect(rows.length).toBeLessThanOrEqual(3)
    const cpus = rows.map((row) => row.cpu ?? 0)
    expect(cpus).toEqual([...cpus].sort((a, b) => b - a))
  })

  it('AIX processes pipeline: header kept, then the top N by CPU', () => {
    const rows = rowsOf(parseProcesses(sh(COMMANDS.aix.processes(4).command), 'aix'))
    expect(rows.length).toBeGreaterThan(0)
    expect(rows.length).toBeLessThanOrEqual(4)
    const cpus = rows.map((row) => row.cpu ?? 0)
    expect(cpus).toEqual([...cpus].sort((a, b) => b - a))
  })

  it('the iostat fallback is told by the usage text of an iostat without -y (sysstat 10.0), not by other failures', () => {
    const refusal = COMMANDS.linux.iostat(5).fallback?.refusal
    expect(refusal?.test(readFixture('linux-iostat-usage-sysstat10.0.txt'))).toBe(true)
    expect(refusal?.test('sh: 1: iostat: not found')).toBe(false)
    expect(refusal?.test('Cannot find disk data')).toBe(false)
  })

  /** Runs a report loop until it printed `rounds` rounds (or timeoutMs passed), then closes its stdout as a closed channel would. */
  async function runLoop(command: string, rounds: number, timeoutMs = 15_000): Promise<{ output: string; exit: { code: number | null; signal: string | null } }> {
    const child = spawn('/bin/sh', ['-c', command], { stdio: ['ignore', 'pipe', 'pipe'] })
    const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })))
    let output = ''
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, timeoutMs)
      child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
        output += chunk
        if (output.split(':vigil-report: end\n').length > rounds) {
          clearTimeout(timer)
          resolve()
        }
      })
    })
    child.stdout.destroy()
    // It sleeps a second, then its next write finds no reader: SIGPIPE (or `|| exit`).
    const killer = setTimeout(() => child.kill('SIGKILL'), 10_000)
    const exit = await exited
    clearTimeout(killer)
    return { output, exit }
  }

  it('the Linux report loop prints a round per interval, read by the parsers, and dies once nobody reads it', async () => {
    const { output, exit } = await runLoop(COMMANDS.linux.reportLoop(1, 3).command, 2)
    const reports = createReportLoopStream('linux').push(output)
    expect(reports.map((report) => report.section)).toEqual(['netstat', 'process', 'netstat', 'process'])
    const netstat = reports[0] as Extract<LoopReport, { section: 'netstat' }>
    expect(netstat.source).toBe('procnetdev')
    expect(rowsOf(netstat.parsed).map((row) => row.interface)).toContain('lo')
    const processes = rowsOf((reports[1] as Extract<LoopReport, { section: 'process' }>).parsed)
    expect(processes.length).toBeGreaterThan(0)
    expect(processes.length).toBeLessThanOrEqual(3)
    expect(exit.signal === 'SIGPIPE' || exit.code !== null).toBe(true)
    expect(exit.signal).not.toBe('SIGKILL')
  })

  it('the netstat-only loop (and the AIX loop run with procps ps) print an error as its report', async () => {
    for (const [os, command] of [
      ['linux', COMMANDS.linux.reportLoop(1, 3).fallback?.command ?? ''],
      ['aix', COMMANDS.aix.reportLoop(1, 4).command]
    ] as const) {
      const { output } = await runLoop(command, 1)
      const [netstat, processes] = createReportLoopStream(os).push(output)
      expect(netstat).toMatchObject({ section: 'netstat', source: 'netstat' })
      // This host may have netstat or not: rows, or an error that quotes what the shell said.
      if (netstat?.parsed.ok === false) expect(netstat.parsed.error).toMatch(/not found|netstat/)
      const rows = rowsOf((processes as Extract<LoopReport, { section: 'process' }>).parsed)
      expect(rows.length).toBeGreaterThan(0)
      const cpus = rows.map((row) => row.cpu ?? 0)
      expect(cpus).toEqual([...cpus].sort((a, b) => b - a))
    }
  })

  it('Linux interfaces from /proc/net/dev, parsed (lo is always there)', () => {
    const interfaces = COMMANDS.linux.interfaces[0]
    expect(interfaces?.source).toBe('procnetdev')
    const rows = rowsOf(parseInterfaces(sh(interfaces?.command ?? ''), 'linux', 'procnetdev'))
    expect(rows.map((row) => row.interface)).toContain('lo')
  })
})
