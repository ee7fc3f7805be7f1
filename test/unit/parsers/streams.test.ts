import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  createIostatStream,
  createVmstatStream,
  parseIostat,
  parseVmstat,
  type OsKind,
  type Parsed,
  type StreamParser
} from '../../../src/main/metrics/parsers'
import { chunksAt, readFixture, rowsOf } from './fixtures'

function feed<T>(stream: StreamParser<T>, chunks: readonly string[]): T[] {
  return chunks.flatMap((chunk) => rowsOf(stream.push(chunk)))
}

// An AIX `iostat -d N` run has a since-boot report, then interval reports. No public capture
// of a whole run was found, so this joins two real reports (test/fixtures/README.md).
const aixIostatRun = (): string => readFixture('aix-iostat-d-boot.txt') + readFixture('aix-iostat-d-interval.txt')

interface StreamCase {
  name: string
  os: OsKind
  text: () => string
  create: (os: OsKind) => StreamParser<unknown>
  /** What the stream must return for the whole text. */
  expected: () => unknown[]
}

const cases: StreamCase[] = [
  ...(['linux-vmstat-n-a.txt', 'linux-vmstat-n.txt', 'linux-vmstat-a-repeated-header.txt'] as const).map((name) => ({
    name,
    os: 'linux' as const,
    text: () => readFixture(name),
    create: createVmstatStream,
    expected: () => rowsOf(parseVmstat(readFixture(name), 'linux')).slice(1)
  })),
  ...(['aix-vmstat-shared-lpar.txt'] as const).map((name) => ({
    name,
    os: 'aix' as const,
    text: () => readFixture(name),
    create: createVmstatStream,
    expected: () => rowsOf(parseVmstat(readFixture(name), 'aix')).slice(1)
  })),
  ...(['linux-iostat-dky.txt', 'linux-iostat-dkyx.txt'] as const).map((name) => ({
    name,
    os: 'linux' as const,
    text: () => readFixture(name),
    create: createIostatStream,
    expected: () => rowsOf(parseIostat(readFixture(name), 'linux'))
  })),
  {
    name: 'Linux vmstat with the pgsteal counters (Vigil’s command)',
    os: 'linux',
    text: () => readFixture('linux-vmstat-n-a-pgsteal.txt'),
    create: (os) => createVmstatStream(os, { intervalSeconds: 1 }),
    // The same rows as plain vmstat, with fr: no page was reclaimed on the idle capture host.
    expected: () => rowsOf(parseVmstat(readFixture('linux-vmstat-n-a-pgsteal.txt'), 'linux')).slice(1).map((row) => ({ ...row, fr: 0 }))
  },
  {
    name: 'AIX iostat -dD run (a since-boot report, then two intervals)',
    os: 'aix',
    text: () => readFixture('aix-iostat-dD-hdisk6.txt'),
    create: (os) => createIostatStream(os, { intervalSeconds: 1, dropFirstReport: true }),
    expected: () => rowsOf(parseIostat(readFixture('aix-iostat-dD-hdisk6.txt'), 'aix', 1)).slice(1)
  },
  {
    name: 'AIX iostat -d run (boot report + interval report)',
    os: 'aix',
    text: aixIostatRun,
    create: createIostatStream,
    expected: () => rowsOf(parseIostat(readFixture('aix-iostat-d-interval.txt'), 'aix'))
  }
]

describe('stream parsers', () => {
  for (const streamCase of cases) {
    it(`${streamCase.name}: the same rows whole and in any chunking`, () => {
      const text = streamCase.text()
      const expected = streamCase.expected()
      expect(feed(streamCase.create(streamCase.os), [text])).toEqual(expected)
      fc.assert(
        fc.property(fc.array(fc.nat({ max: text.length }), { maxLength: 40 }), (offsets) => {
          expect(feed(streamCase.create(streamCase.os), chunksAt(text, offsets))).toEqual(expected)
        }),
        { numRuns: 200 }
      )
    })

    it(`${streamCase.name}: one character at a time`, () => {
      const text = streamCase.text()
      expect(feed(streamCase.create(streamCase.os), [...text])).toEqual(streamCase.expected())
    })
  }

  it('drops the since-boot first row of vmstat (Linux and AIX) and nothing after it', () => {
    const linux = rowsOf(parseVmstat(readFixture('linux-vmstat-n-a.txt'), 'linux'))
    const streamed = feed(createVmstatStream('linux'), [readFixture('linux-vmstat-n-a.txt')])
    expect(streamed).toHaveLength(5)
    expect(streamed[0]).toEqual(linux[1])
    expect(streamed).not.toContainEqual(linux[0])
    const aix = feed(createVmstatStream('aix'), [readFixture('aix-vmstat-shared-lpar.txt')])
    expect(aix).toHaveLength(9)
    expect(aix[0]).toMatchObject({ interface_in: 82, cs: 477, us: 20, sy: 12, idle: 69 })
  })

  it('does not drop a row after a repeated header (only the very first row is since boot)', () => {
    const streamed = feed(createVmstatStream('linux'), [readFixture('linux-vmstat-a-repeated-header.txt')])
    expect(streamed).toHaveLength(24)
    expect(streamed[20]).toMatchObject({ interface_in: 1085, cs: 2573 })
  })

  it('returns each vmstat row as soon as its line ends, without waiting for the next one', () => {
    const lines = readFixture('aix-vmstat-shared-lpar.txt').split('\n')
    const [first = '', second = '', third = ''] = lines.slice(6, 9)
    const stream = createVmstatStream('aix')
    expect(rowsOf(stream.push(`${lines.slice(0, 6).join('\n')}\n`))).toEqual([]) // banner and header
    expect(rowsOf(stream.push(`${first}\n`))).toEqual([]) // since boot
    expect(rowsOf(stream.push(`${second}\n`))).toEqual([expect.objectContaining({ interface_in: 82, cs: 477 })])
    expect(rowsOf(stream.push(third.slice(0, 10)))).toEqual([]) // half a line
    expect(rowsOf(stream.push(`${third.slice(10)}\n`))).toEqual([expect.objectContaining({ interface_in: 47, cs: 476 })])
  })

  it('drops only the first AIX iostat report and returns the next one at once', () => {
    const stream = createIostatStream('aix')
    expect(rowsOf(stream.push(readFixture('aix-iostat-d-boot.txt')))).toEqual([])
    // No third report follows: the rows must not wait for one.
    const rows = rowsOf(stream.push(readFixture('aix-iostat-d-interval.txt')))
    expect(rows.map((row) => row.disk)).toEqual(['hdisk0', 'cd0'])
  })

  it('drops nothing on Linux (iostat runs with -y) and returns a report before the next starts', () => {
    const [preamble, ...reports] = readFixture('linux-iostat-dky.txt').split('\n\n\n')
    const stream = createIostatStream('linux')
    expect(rowsOf(stream.push(`${preamble}\n\n\n`))).toEqual([])
    expect(rowsOf(stream.push(`${reports[0]}\n`))).toEqual([
      { disk: 'vda', tps: 1477, kb_read: 414056, kb_wrtn: 410488, kb_read_rate: 414056, kb_wrtn_rate: 410488, service_time: null }
    ])
  })

  it('computes Linux fr from the pgsteal counters read before two rows, in KiB/s over the interval', () => {
    // Built from the real capture: its counters were all 0 (an idle host); here they grow.
    let pages = 1_000
    const text = readFixture('linux-vmstat-n-a-pgsteal.txt').replace(/vigil-pgsteal 0/g, () => `vigil-pgsteal ${(pages += 250)}`)
    const rows = feed(createVmstatStream('linux', { intervalSeconds: 5 }), [text])
    expect(rows.map((row) => row.fr)).toEqual([(250 * 4096) / 1024 / 5, (250 * 4096) / 1024 / 5, (250 * 4096) / 1024 / 5])
    // A counter that went backwards (a reboot under a long-running stream is impossible, but a
    // wrapped or reset counter is not): null, not a negative rate. No page size: null.
    const backwards = readFixture('linux-vmstat-n-a-pgsteal.txt').replace(/vigil-pgsteal 0/g, () => `vigil-pgsteal ${(pages -= 10)}`)
    expect(feed(createVmstatStream('linux', { intervalSeconds: 5 }), [backwards]).map((row) => row.fr)).toEqual([null, null, null])
    const noPageSize = text.replace(/^vigil-pagesize.*\n/, '')
    expect(feed(createVmstatStream('linux', { intervalSeconds: 5 }), [noPageSize]).map((row) => row.fr)).toEqual([null, null, null])
  })

  it('drops the first report itself for an iostat without -y (the fallback), and only that one', () => {
    // sysstat 10.1's since-boot report, then an interval report of the same layout.
    const sinceBoot = readFixture('linux-iostat-d-sysstat10.txt')
    const interval = 'Device:            tps    kB_read/s    kB_wrtn/s    kB_read    kB_wrtn\nsda              12.00         4.00        96.00          8        192\n\n'
    const stream = createIostatStream('linux', { intervalSeconds: 2, dropFirstReport: true })
    expect(rowsOf(stream.push(`${sinceBoot}\n`))).toEqual([])
    expect(rowsOf(stream.push(interval))).toEqual([{ disk: 'sda', tps: 12, kb_read: 8, kb_wrtn: 192, kb_read_rate: 4, kb_wrtn_rate: 96, service_time: null }])
  })

  it('says which reports read cleanly, so a collector knows when a failing metric is well again', () => {
    const [preamble, first = '', second = ''] = readFixture('linux-iostat-dkyx.txt').split('\n\n\n')
    const stream = createIostatStream('linux', { intervalSeconds: 1, dropFirstReport: false })
    expect(stream.push(`${preamble}\n\n\n`)).toMatchObject({ ok: true, cleanReports: 0 })
    const broken = first.replace(/vda( +)626\.00/, 'vda$1626,00')
    const bad = stream.push(`${broken}\n\n`)
    expect(bad).toMatchObject({ ok: true, rows: [], cleanReports: 0, rejected: [expect.stringContaining('626,00')] })
    expect(stream.push(`\n${second}\n\n`)).toMatchObject({ ok: true, rows: [expect.objectContaining({ disk: 'vda' })], cleanReports: 1 })
  })

  it('reports output that never becomes vmstat or iostat, with what it was', () => {
    const errors = (stream: StreamParser<unknown>, line: string): Parsed<unknown>[] =>
      Array.from({ length: 30 }, () => stream.push(`${line}\n`))
    const vmstat = errors(createVmstatStream('aix'), 'ksh: vmstat: not found')
    expect(vmstat[0]).toMatchObject({ ok: true, rows: [] })
    const last = vmstat.at(-1)
    expect(last?.ok).toBe(false)
    if (last && !last.ok) expect(last.error).toContain('ksh: vmstat: not found')
    expect(errors(createIostatStream('linux'), 'Usage: iostat [ options ]').at(-1)?.ok).toBe(false)
  })

  it('refuses an endless line instead of buffering it', () => {
    const stream = createVmstatStream('linux')
    const result = stream.push('x'.repeat(70 * 1024))
    expect(result.ok).toBe(false)
    // …and recovers on the next lines.
    const text = readFixture('linux-vmstat-n-a.txt')
    expect(rowsOf(stream.push(`\n${text}`))).toHaveLength(5)
  })
})
