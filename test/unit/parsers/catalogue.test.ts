import { describe, expect, it } from 'vitest'
import { METRICS, NUMERIC_FIELDS, SERIES_KEY } from '../../../src/shared/metrics'
import { METRICS_CATALOGUE, catalogueOf, type FieldOrigin } from '../../../src/shared/metrics-catalogue'
import {
  createVmstatStream,
  parseInterfaces,
  parseIostat,
  parseProcesses,
  parseVmstat,
  type OsKind
} from '../../../src/main/metrics/parsers'
import { readFixture, rowsOf } from './fixtures'

const SPEC_TEXT_FIELDS: Record<string, readonly string[]> = {
  vmstat: [],
  iostat: ['disk'],
  netstat: ['interface', 'time'],
  process: ['pid', 'user', 'command']
}

describe('the metrics catalogue', () => {
  it('documents every metric and every stored field, and nothing else', () => {
    expect(METRICS_CATALOGUE.map((entry) => entry.metric)).toEqual([...METRICS])
    for (const metric of METRICS) {
      const documented = catalogueOf(metric).fields.map((field) => field.field)
      const stored = [...NUMERIC_FIELDS[metric], ...(SPEC_TEXT_FIELDS[metric] ?? [])]
      expect([...documented].sort()).toEqual([...new Set(stored)].sort())
      const key = SERIES_KEY[metric]
      if (key) expect(documented).toContain(key)
    }
  })

  it('gives each field a unit, a description and a source or a reason, per OS', () => {
    for (const entry of METRICS_CATALOGUE) {
      for (const field of entry.fields) {
        expect(field.unit.length).toBeGreaterThan(0)
        expect(field.description.length).toBeGreaterThan(10)
        for (const origin of [field.linux, field.aix] as FieldOrigin[]) {
          if (origin.from === null) expect(origin.reason.length).toBeGreaterThan(10)
          else expect(origin.from.length).toBeGreaterThan(0)
        }
      }
    }
    expect(catalogueOf('vmstat').fields.filter((field) => field.extension).map((field) => field.field)).toEqual(['wa'])
  })

  it('is frozen data', () => {
    expect(Object.isFrozen(METRICS_CATALOGUE)).toBe(true)
    expect(Object.isFrozen(catalogueOf('iostat').fields[0])).toBe(true)
    expect(Object.isFrozen(catalogueOf('iostat').fields[0]?.linux)).toBe(true)
  })

  // A field the catalogue says an OS cannot supply must come out null from real output of the
  // commands Vigil runs, read as the collector reads them.
  const samples: Record<string, Record<OsKind, () => object[]>> = {
    vmstat: {
      linux: () => rowsOf(createVmstatStream('linux', { intervalSeconds: 1 }).push(readFixture('linux-vmstat-n-a-pgsteal.txt'))),
      aix: () => rowsOf(parseVmstat(readFixture('aix-vmstat-shared-lpar.txt'), 'aix'))
    },
    iostat: {
      linux: () => rowsOf(parseIostat(readFixture('linux-iostat-dkyx.txt'), 'linux', 1)),
      aix: () => rowsOf(parseIostat(readFixture('aix-iostat-dD-hdisk6.txt'), 'aix', 1))
    },
    netstat: {
      linux: () => rowsOf(parseInterfaces(readFixture('linux-proc-net-dev.txt'), 'linux', 'procnetdev')),
      aix: () => rowsOf(parseInterfaces(readFixture('aix-netstat-i.txt'), 'aix', 'netstat'))
    },
    process: {
      linux: () => rowsOf(parseProcesses(readFixture('linux-ps-top5.txt'), 'linux')),
      aix: () => rowsOf(parseProcesses(readFixture('aix-ps-o.txt'), 'aix'))
    }
  }

  for (const os of ['linux', 'aix'] as const) {
    it(`matches what the parsers give on ${os}: null exactly where it says the OS cannot supply a field`, () => {
      for (const entry of METRICS_CATALOGUE) {
        const rows = samples[entry.metric]?.[os]() ?? []
        expect(rows.length).toBeGreaterThan(0)
        for (const field of entry.fields) {
          if (!(field.field in (rows[0] ?? {}))) continue // rates and time are added after parsing
          const values = rows.map((row) => (row as Record<string, unknown>)[field.field])
          if (field[os].from === null) expect(values.every((value) => value === null)).toBe(true)
          else expect(values.some((value) => value !== null)).toBe(true)
        }
      }
    })
  }
})
