import { execFileSync } from 'node:child_process'
import { describe, expect, it } from 'vitest'
import { COMMANDS, parseInterfaces, parseProcesses, type OsKind } from '../../../src/main/metrics/parsers'
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

  it('Linux interfaces from /proc/net/dev, parsed (lo is always there)', () => {
    const interfaces = COMMANDS.linux.interfaces[0]
    expect(interfaces?.source).toBe('procnetdev')
    const rows = rowsOf(parseInterfaces(sh(interfaces?.command ?? ''), 'linux', 'procnetdev'))
    expect(rows.map((row) => row.interface)).toContain('lo')
  })
})
