import { describe, expect, it } from 'vitest'
import { parseProcesses } from '../../../src/main/metrics/parsers'
import { readFixture, rowsOf } from './fixtures'

describe('parseProcesses', () => {
  it('reads procps ps -o pid,user:32,pcpu,pmem,args in the order ps sorted them', () => {
    const rows = rowsOf(parseProcesses(readFixture('linux-ps-top5.txt'), 'linux'))
    expect(rows).toHaveLength(5)
    // A user name longer than 8 characters stays whole (user:32).
    expect(rows[0]).toEqual({ pid: 3, user: 'systemd-timesync', cpu: 97.3, mem: 0, command: 'sh -c while :; do :; done' })
    expect(rows[2]).toEqual({
      pid: 6,
      user: 'root',
      cpu: 1.6,
      mem: 0.1,
      command: '/root/.pyenv/versions/3.11.7/bin/python3 -c x=[0]*3000000; import time; time.sleep(300)'
    })
    expect(rows[4]).toEqual({ pid: 4, user: 'nobody', cpu: 0, mem: 0, command: 'sleep 300' })
  })

  it('keeps the command line verbatim, inner double spaces included', () => {
    const rows = rowsOf(parseProcesses(readFixture('linux-ps-top5.txt'), 'linux'))
    expect(rows[3]?.command.startsWith('bash -c  yes > /dev/null & setpriv')).toBe(true)
    expect(rows[3]?.command.endsWith('kill %1 %2 %3 %4 %5 2>/dev/null; wait')).toBe(true)
  })

  it('reads AIX ps -o output by header name, skipping zombie and exiting rows with empty columns', () => {
    const rows = rowsOf(parseProcesses(readFixture('aix-ps-o.txt'), 'aix'))
    expect(rows).toHaveLength(11)
    expect(rows[0]).toEqual({ pid: 1, user: 'root', cpu: 0, mem: 0, command: '/etc/init' })
    expect(rows[5]).toEqual({ pid: 4784534, user: 'root', cpu: 0, mem: 0, command: 'sendmail: accepting connections' })
    expect(rows[10]).toEqual({ pid: 7602560, user: 'root', cpu: 0, mem: 0, command: 'sshd: u0013628 [priv]' })
    expect(rows.map((row) => row.pid)).not.toContain(6095244)
    expect(rows.map((row) => row.pid)).not.toContain(7733720)
  })

  it('reads a two-word start date before a command of many words, tabs and spaces kept', () => {
    const text = '  PID USER     STIME     %CPU %MEM COMMAND\n 4242 app      Nov 28     1.5  0.2 java  -Xmx2g\t-jar a.jar --x 1 --y 2 --z 3 --w 4\n'
    expect(rowsOf(parseProcesses(text, 'linux'))).toEqual([{ pid: 4242, user: 'app', cpu: 1.5, mem: 0.2, command: 'java  -Xmx2g\t-jar a.jar --x 1 --y 2 --z 3 --w 4' }])
  })

  it('gives null for a %CPU or %MEM ps could not compute', () => {
    const text = '  PID USER     %CPU %MEM COMMAND\n  812 oracle      -    - ora_pmon_ORCL\n'
    expect(rowsOf(parseProcesses(text, 'aix'))).toEqual([{ pid: 812, user: 'oracle', cpu: null, mem: null, command: 'ora_pmon_ORCL' }])
  })

  it('says what it got instead of ps', () => {
    expect(parseProcesses('', 'linux')).toEqual({ ok: false, error: 'no ps output' })
    const parsed = parseProcesses('ps: illegal option -- w\n', 'aix')
    expect(parsed.ok).toBe(false)
    if (!parsed.ok) expect(parsed.error).toContain('illegal option')
  })
})
