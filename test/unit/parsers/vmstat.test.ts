import { describe, expect, it } from 'vitest'
import { parseVmstat, type VmstatSample } from '../../../src/main/metrics/parsers'
import { readFixture, rowsOf } from './fixtures'

const vmstat = (name: string, os: 'linux' | 'aix'): VmstatSample[] => rowsOf(parseVmstat(readFixture(name), os))

describe('parseVmstat on Linux (procps)', () => {
  it('reads vmstat -n -a: active memory as avm, si/so as pi/po, no fr', () => {
    const rows = vmstat('linux-vmstat-n-a.txt', 'linux')
    expect(rows).toHaveLength(6)
    expect(rows[0]).toEqual({
      r: 3, b: 0, avm: 201992, fre: 24010224, pi: 0, po: 0, fr: null,
      interface_in: 59, cs: 155, us: 3, sy: 1, idle: 96, wa: 0
    })
    expect(rows[1]).toEqual({
      r: 3, b: 0, avm: 201992, fre: 24010224, pi: 0, po: 0, fr: null,
      interface_in: 3394, cs: 5959, us: 48, sy: 15, idle: 19, wa: 17
    })
    expect(rows[5]).toMatchObject({ r: 1, interface_in: 173, cs: 301, us: 0, sy: 1, idle: 99, wa: 0 })
  })

  it('gives avm null without -a (buff/cache layout): no active-memory column to read', () => {
    const rows = vmstat('linux-vmstat-n.txt', 'linux')
    expect(rows).toHaveLength(3)
    expect(rows[0]).toEqual({
      r: 2, b: 0, avm: null, fre: 23995712, pi: 0, po: 0, fr: null,
      interface_in: 59, cs: 155, us: 3, sy: 1, idle: 96, wa: 0
    })
    expect(rows[2]).toMatchObject({ r: 1, avm: null, interface_in: 40, cs: 65, us: 0, sy: 1, idle: 100 })
  })

  it('follows the header procps repeats every 21 rows', () => {
    const rows = vmstat('linux-vmstat-a-repeated-header.txt', 'linux')
    expect(rows).toHaveLength(25)
    expect(rows[0]).toEqual({
      r: 2, b: 0, avm: 210144, fre: 23986948, pi: 0, po: 0, fr: null,
      interface_in: 62, cs: 161, us: 3, sy: 1, idle: 96, wa: 0
    })
    expect(rows[21]).toEqual({
      r: 2, b: 0, avm: 210144, fre: 23986948, pi: 0, po: 0, fr: null,
      interface_in: 1085, cs: 2573, us: 24, sy: 23, idle: 49, wa: 4
    })
    expect(rows[24]).toMatchObject({ interface_in: 1232, cs: 3574, us: 22, sy: 23, idle: 48, wa: 6 })
  })

  it('reads the older procps 3 layout (no st column)', () => {
    const rows = vmstat('linux-vmstat-a-procps3.txt', 'linux')
    expect(rows).toEqual([
      { r: 2, b: 0, avm: 257972, fre: 229152, pi: 0, po: 2, fr: null, interface_in: 0, cs: 1, us: 47, sy: 22, idle: 27, wa: 1 }
    ])
  })
})

describe('parseVmstat on AIX', () => {
  it('reads a shared LPAR (pc ec columns, System configuration line), pages × 4 = KiB, the CPU sy', () => {
    const rows = vmstat('aix-vmstat-shared-lpar.txt', 'aix')
    expect(rows).toHaveLength(10)
    // faults' sy (4201 system calls) must not be taken for the CPU's sy (9 %).
    expect(rows[0]).toEqual({
      r: 2, b: 0, avm: 393884 * 4, fre: 91900 * 4, pi: 0, po: 0, fr: 0,
      interface_in: 104, cs: 515, us: 40, sy: 9, idle: 51, wa: 0
    })
    expect(rows[9]).toEqual({
      r: 3, b: 0, avm: 394725 * 4, fre: 91039 * 4, pi: 0, po: 0, fr: 0,
      interface_in: 416, cs: 1459, us: 73, sy: 15, idle: 12, wa: 0
    })
  })

  it('reads a dedicated LPAR (no pc ec, "System Configuration" spelling)', () => {
    expect(vmstat('aix-vmstat-dedicated.txt', 'aix')).toEqual([
      { r: 1, b: 1, avm: 617632, fre: 925756, pi: 0, po: 0, fr: 0, interface_in: 32, cs: 445, us: 18, sy: 2, idle: 80, wa: 1 }
    ])
  })

  it('converts fr from pages and copes with a squeezed group line', () => {
    expect(vmstat('aix-vmstat-neofetch.txt', 'aix')).toEqual([
      { r: 2, b: 1, avm: 2566256, fre: 11476, pi: 0, po: 0, fr: 364, interface_in: 174, cs: 141, us: 2, sy: 3, idle: 94, wa: 0 }
    ])
  })

  it('does not read Linux output as AIX output, nor the reverse', () => {
    expect(parseVmstat(readFixture('linux-vmstat-n-a.txt'), 'aix').ok).toBe(false)
    expect(parseVmstat(readFixture('aix-vmstat-dedicated.txt'), 'linux').ok).toBe(false)
  })
})

describe('parseVmstat errors', () => {
  it('says what it got instead of vmstat', () => {
    expect(parseVmstat('', 'linux')).toEqual({ ok: false, error: 'no vmstat output' })
    const parsed = parseVmstat('ksh: vmstat:  not found\n', 'aix')
    expect(parsed.ok).toBe(false)
    if (!parsed.ok) expect(parsed.error).toContain('ksh: vmstat:  not found')
  })

  it('rejects, quoting them, lines where a row belongs that do not read under the header', () => {
    const text = ' r  b   avm   fre  re  pi  po  fr   sr  cy  in   sy  cs us sy id wa\n 1  1 154408\n 1 x 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1\n'
    expect(parseVmstat(text, 'aix')).toEqual({
      ok: true,
      rows: [],
      rejected: [
        'a line does not match its header "r  b   avm   fre  re  pi  po  fr   sr  cy  in   sy  cs us sy id wa": 1  1 154408',
        'a line does not match its header "r  b   avm   fre  re  pi  po  fr   sr  cy  in   sy  cs us sy id wa": 1 x 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1'
      ]
    })
  })

  it('reads the rows that do read around one that does not (a decimal comma, a new column)', () => {
    const lines = readFixture('linux-vmstat-n-a.txt').split('\n')
    const rowAt = lines.findIndex((line) => /^\s*\d/.test(line)) + 1
    const broken = [...lines]
    broken[rowAt] = `${lines[rowAt]}  7`
    const parsed = parseVmstat(broken.join('\n'), 'linux')
    const whole = rowsOf(parseVmstat(lines.join('\n'), 'linux'))
    expect(parsed).toMatchObject({ ok: true, rows: whole.filter((_, index) => index !== 1) })
    expect(parsed.ok && parsed.rejected).toEqual([expect.stringContaining(`${lines[rowAt]?.trim()}  7`)])
  })
})
