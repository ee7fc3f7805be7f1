import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { openDb } from '../../../src/main/base/db/db'
import { SeriesStore } from '../../../src/main/base/series/series-store'
import { importExposition } from '../../../src/main/prometheus/exposition/importer'
import { ExpositionError } from '../../../src/main/prometheus/exposition/text-parser'
import { LabelMatcher } from '../../../src/main/prometheus/promql'
import { SeriesModel } from '../../../src/main/prometheus/series/series-model'
import { EMPTY_REGISTRY } from '../../../src/main/prometheus/series/registry'
import { makeTempDir } from '../../helpers/temp-dir'

const T0 = Date.UTC(2026, 0, 1)

describe('importing the text format', () => {
  const cleanups: Array<() => void> = []
  afterEach(() => {
    for (const cleanup of cleanups.splice(0).reverse()) cleanup()
  })

  function open(dir?: string) {
    const db = openDb(dir ? join(dir, 'vigil.db') : ':memory:')
    const store = new SeriesStore(db, { logDir: dir ? join(dir, 'series-head') : null })
    cleanups.push(() => db.open && db.close())
    const model = new SeriesModel(store, EMPTY_REGISTRY)
    const read = (name: string) => model.select([new LabelMatcher('=', '__name__', name)], 0, Date.UTC(9999, 0))
    return { db, store, model, read }
  }

  const errorOf = (run: () => unknown): string => {
    try {
      run()
    } catch (error) {
      expect(error).toBeInstanceOf(ExpositionError)
      return (error as Error).message
    }
    throw new Error('no error')
  }

  it('stores each series with its labels, samples in time order, and gives timestamp-less samples the time of the import', () => {
    const { store, read } = open()
    const result = importExposition(store, Buffer.from(`temp{room="a"} 21.5 ${T0 + 2000}\ntemp{room="a"} 20 ${T0}\ntemp{room="b"} NaN\ntemp{room="b"} +Inf ${T0}\n`), 'prometheus', T0 + 60_000)
    expect(result).toEqual({ series: 2, samples: 4, unchanged: 0 })
    const [a, b] = read('temp')
    expect(a).toMatchObject({ labels: { __name__: 'temp', room: 'a' }, timestamps: [T0, T0 + 2000], values: [20, 21.5] })
    expect(b?.timestamps).toEqual([T0, T0 + 60_000])
    expect(b?.values[0]).toBe(Infinity)
    expect(b?.values[1]).toBeNaN()
  })

  it('writes nothing when any line is bad', () => {
    const { store, model } = open()
    const body = `good 1 ${T0}\n`.repeat(100) + 'bad{ 1\n'
    expect(errorOf(() => importExposition(store, body, 'prometheus', T0))).toBe('101:6: expected a label name or "}", found "1"')
    expect(model.seriesLabels([new LabelMatcher('=~', '__name__', '.+')], 0, T0 * 2)).toEqual([])
    expect(store.stats().groups).toBe(0)
  })

  it('refuses Vigil’s own names, Prometheus’ reserved labels, and times outside 1970–9999', () => {
    const { store } = open()
    expect(errorOf(() => importExposition(store, `ok 1\nvigil_vmstat_us 1 ${T0}`, 'prometheus', T0))).toBe(
      '2:1: the name "vigil_vmstat_us" is reserved: names starting with vigil_ are the series Vigil collects'
    )
    expect(errorOf(() => importExposition(store, 'x{__tenant__="a"} 1', 'prometheus', T0))).toBe('1:1: the label name "__tenant__" is reserved: names starting with __ are Prometheus\' own')
    expect(errorOf(() => importExposition(store, 'x 1 -1', 'prometheus', T0))).toBe('1:5: timestamp -1 is out of range (1970-01-01T00:00:00.000Z to 9999-12-31T23:59:59.999Z)')
    expect(errorOf(() => importExposition(store, Buffer.from([0x78, 0x7b, 0x61, 0x3d, 0x22, 0xc3, 0xa9, 0xff, 0x22, 0x7d]), 'prometheus', T0))).toBe('1:7: the text is not valid UTF-8')
    expect(store.stats().groups).toBe(0)
  })

  it('stores a body imported twice once, and takes a new value at a known time as the newer', () => {
    const { store, read } = open()
    const body = [0, 1, 2].map((i) => `counter_total ${i} ${T0 + i * 1000}`).join('\n')
    expect(importExposition(store, body, 'prometheus', T0)).toEqual({ series: 1, samples: 3, unchanged: 0 })
    expect(importExposition(store, body, 'prometheus', T0)).toEqual({ series: 1, samples: 0, unchanged: 3 })
    expect(importExposition(store, `counter_total 5 ${T0 + 1000}\ncounter_total 6 ${T0 + 1000}`, 'prometheus', T0)).toEqual({ series: 1, samples: 1, unchanged: 1 })
    expect(read('counter_total')[0]?.values).toEqual([0, 6, 2])
  })

  it('keeps what it imported across a restart (the write-ahead log)', () => {
    const temp = makeTempDir('vigil-import-')
    cleanups.push(temp.remove)
    const first = open(temp.dir)
    importExposition(first.store, `up{job="api"} 1 ${T0}\nup{job="api"} 0 ${T0 + 15_000}`, 'prometheus', T0)
    first.db.close()
    const again = open(temp.dir)
    expect(again.read('up').map((s) => [s.labels, s.values])).toEqual([[{ __name__: 'up', job: 'api' }, [1, 0]]])
  })

  it('reads OpenMetrics with timestamps in seconds', () => {
    const { store, read } = open()
    importExposition(store, `# TYPE a gauge\na 1 ${T0 / 1000}.5\n# EOF\n`, 'openmetrics', T0)
    expect(read('a')[0]?.timestamps).toEqual([T0 + 500])
  })
})
