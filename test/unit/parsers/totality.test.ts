import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  createIostatStream,
  createReportLoopStream,
  createVmstatStream,
  detectOs,
  parseInterfaces,
  parseIostat,
  parseProcesses,
  parseVmstat,
  type OsKind
} from '../../../src/main/metrics/parsers'
import { chunksAt, fixtureNames, readFixture } from './fixtures'

// The parsers are total: whatever text comes back from a server (garbage, nothing, a cut-off
// capture, binary), they answer rows or an error value and never throw.

const OSES: readonly OsKind[] = ['linux', 'aix']

function expectParsed(result: unknown): void {
  expect(result).toBeTypeOf('object')
  const parsed = result as { ok: boolean; rows?: unknown; error?: unknown }
  if (parsed.ok) expect(Array.isArray(parsed.rows)).toBe(true)
  else expect(typeof parsed.error === 'string' && parsed.error.length > 0).toBe(true)
}

/** Runs every parser, one-shot and streaming, on `text`. */
function parseEverything(text: string, offsets: readonly number[] = []): void {
  const detected = detectOs(text)
  expect(typeof detected.ok).toBe('boolean')
  for (const os of OSES) {
    expectParsed(parseVmstat(text, os))
    expectParsed(parseIostat(text, os))
    expectParsed(parseProcesses(text, os))
    expectParsed(parseInterfaces(text, os, 'procnetdev'))
    expectParsed(parseInterfaces(text, os, 'netstat'))
    for (const stream of [createVmstatStream(os), createIostatStream(os)]) {
      for (const chunk of chunksAt(text, offsets)) expectParsed(stream.push(chunk))
    }
    const loop = createReportLoopStream(os)
    for (const chunk of chunksAt(text, offsets)) for (const report of loop.push(chunk)) expectParsed(report.parsed)
  }
}

const WORDS = [
  'r', 'b', 'avm', 'fre', 'free', 'active', 'si', 'so', 'pi', 'po', 'fr', 'in', 'sy', 'cs', 'us', 'id', 'wa',
  'Device', 'Device:', 'Disks:', '%', 'tm_act', 'Kbps', 'tps', 'Kb_read', 'Kb_wrtn', 'kB_read/s', 'r/s', 'w/s', 'svctm',
  'Iface', 'RX-OK', 'RX-ERR', 'TX-OK', 'TX-ERR', 'Flg', 'Name', 'Ipkts', 'Ierrs', 'Opkts', 'Oerrs', 'face', '|', 'packets', 'errs', ':',
  'PID', 'USER', '%CPU', '%MEM', 'COMMAND', 'STIME', 'Nov', '28', '<defunct>',
  ':vigil-report: ', ':vigil-report:', 'netstat', 'procnetdev', 'process', 'end',
  'Linux', 'AIX', '0', '1', '12', '3.5', '-', '-1', '1e9', '9007199254740993', 'NaN', '*', 'constructor', '__proto__',
  ' ', ' ', '  ', '\t', '\n', '\n', '\r\n', '\u0000', '\uffff', 'é'
]

const wordSoup = fc.array(fc.constantFrom(...WORDS), { maxLength: 200 }).map((words) => words.join(''))

describe('the parsers never throw', () => {
  it('on random strings, any code point included', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 300 }), fc.array(fc.nat({ max: 300 }), { maxLength: 8 }), (text, offsets) =>
        parseEverything(text, offsets)
      ),
      { numRuns: 300 }
    )
  })

  it('on soups of the words the parsers look for', () => {
    fc.assert(
      fc.property(wordSoup, fc.array(fc.nat({ max: 600 }), { maxLength: 8 }), (text, offsets) => parseEverything(text, offsets)),
      { numRuns: 500 }
    )
  })

  it('on binary bytes read as text', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 400 }), (bytes) => parseEverything(Buffer.from(bytes).toString('latin1'))),
      { numRuns: 200 }
    )
  })

  it('on fixtures with junk spliced in', () => {
    const fixtures = fixtureNames().map(readFixture)
    fc.assert(
      fc.property(fc.constantFrom(...fixtures), fc.nat(), wordSoup, (fixture, at, junk) => {
        const cut = at % (fixture.length + 1)
        parseEverything(fixture.slice(0, cut) + junk + fixture.slice(cut))
      }),
      { numRuns: 300 }
    )
  })

  for (const name of fixtureNames()) {
    // Every parser on every prefix: quadratic in the fixture's length, seconds on a loaded machine.
    it(`on every truncated prefix of ${name}`, () => {
      const text = readFixture(name)
      for (let length = 0; length <= text.length; length++) parseEverything(text.slice(0, length))
    }, 30_000)
  }
})
