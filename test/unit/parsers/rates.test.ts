import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { interfaceRates, interfaceRatesAll, parseInterfaces, type InterfaceCounters } from '../../../src/main/metrics/parsers'
import { readFixture, rowsOf } from './fixtures'

const counters = (name: string, ipkts: number, ierrs: number, opkts: number, oerrs: number): InterfaceCounters => ({
  interface: name,
  ipkts,
  ierrs,
  opkts,
  oerrs
})

const NO_RATES = { ipkts_rate: null, ierrs_rate: null, opkts_rate: null, oerrs_rate: null }

describe('interfaceRates', () => {
  it('turns counter deltas into per-second rates', () => {
    const [before] = rowsOf(parseInterfaces(readFixture('linux-netstat-i.txt'), 'linux', 'netstat'))
    expect(before?.interface).toBe('eth0')
    // Synthetic later sample: eth0 received 500 packets and sent 200 in 10 s.
    const after = { ...before!, ipkts: before!.ipkts + 500, opkts: before!.opkts + 200 }
    expect(interfaceRates(before, after, 10)).toEqual({
      interface: 'eth0',
      ipkts: 25558,
      ierrs: 0,
      opkts: 18986,
      oerrs: 0,
      ipkts_rate: 50,
      ierrs_rate: 0,
      opkts_rate: 20,
      oerrs_rate: 0
    })
  })

  it('gives null, not a negative or huge rate, for a counter that went backwards (reboot, wrap, reset)', () => {
    // Synthetic: en0's receive counters reset; its transmit counter kept counting.
    expect(interfaceRates(counters('en0', 4_294_967_000, 7, 1000, 0), counters('en0', 120, 0, 1300, 0), 60)).toEqual({
      ...counters('en0', 120, 0, 1300, 0),
      ipkts_rate: null,
      ierrs_rate: null,
      opkts_rate: 5,
      oerrs_rate: 0
    })
  })

  it('gives null rates to a new interface (no previous sample)', () => {
    expect(interfaceRates(undefined, counters('en1', 5, 0, 5, 0), 2)).toEqual({ ...counters('en1', 5, 0, 5, 0), ...NO_RATES })
    expect(interfaceRates(null, counters('en1', 5, 0, 5, 0), 2)).toMatchObject(NO_RATES)
    // A previous sample of another interface is no previous sample.
    expect(interfaceRates(counters('en0', 1, 0, 1, 0), counters('en1', 5, 0, 5, 0), 2)).toMatchObject(NO_RATES)
  })

  it('gives null rates when no time has passed (or the clock went back)', () => {
    for (const elapsed of [0, -5, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(interfaceRates(counters('lo', 1, 0, 1, 0), counters('lo', 9, 0, 9, 0), elapsed)).toMatchObject(NO_RATES)
    }
    // An elapsed time so small the rate overflows: no rate rather than Infinity.
    expect(interfaceRates(counters('lo', 1, 0, 1, 0), counters('lo', 9, 0, 9, 0), Number.MIN_VALUE)).toMatchObject({
      ipkts_rate: null,
      ierrs_rate: 0
    })
  })

  it('never returns a negative or non-finite rate', () => {
    const counter = fc.nat({ max: 2 ** 40 })
    const sample = fc.record({ ipkts: counter, ierrs: counter, opkts: counter, oerrs: counter })
    fc.assert(
      fc.property(sample, sample, fc.double(), (before, after, elapsed) => {
        const row = interfaceRates({ interface: 'x', ...before }, { interface: 'x', ...after }, elapsed)
        for (const rate of [row.ipkts_rate, row.ierrs_rate, row.opkts_rate, row.oerrs_rate]) {
          if (rate !== null) {
            expect(rate).toBeGreaterThanOrEqual(0)
            expect(Number.isFinite(rate)).toBe(true)
          }
        }
      })
    )
  })
})

describe('interfaceRatesAll', () => {
  it('matches interfaces by name across two samples', () => {
    const before = rowsOf(parseInterfaces(readFixture('aix-netstat-i.txt'), 'aix', 'netstat'))
    // Synthetic later sample: en0 moved on, lo0 was reset, en1 appeared.
    const after = [counters('lo0', 3, 0, 3, 0), counters('en0', 251_884, 0, 129_048, 1), counters('en1', 10, 0, 10, 0)]
    expect(interfaceRatesAll(before, after, 30)).toEqual([
      { ...counters('lo0', 3, 0, 3, 0), ...NO_RATES, ierrs_rate: 0, oerrs_rate: 0 },
      { ...counters('en0', 251_884, 0, 129_048, 1), ipkts_rate: 20, ierrs_rate: 0, opkts_rate: 10, oerrs_rate: 1 / 30 },
      { ...counters('en1', 10, 0, 10, 0), ...NO_RATES }
    ])
    expect(interfaceRatesAll(null, after, 30).every((row) => row.ipkts_rate === null)).toBe(true)
  })
})
