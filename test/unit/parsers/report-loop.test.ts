import { describe, expect, it } from 'vitest'
import {
  createReportLoopStream,
  createReportSplitter,
  MAX_SECTION_CHARS,
  parseInterfaces,
  parseProcesses,
  type LoopReport,
  type ReportSection
} from '../../../src/main/metrics/parsers'
import { readFixture } from './fixtures'

const NETDEV = readFixture('linux-proc-net-dev.txt')
const NETSTAT = readFixture('linux-netstat-i.txt')
const PS = readFixture('linux-ps-top5.txt')
const withEnd = (text: string): string => (text.endsWith('\n') ? text : `${text}\n`)

/** One round of the Linux loop as a shell would print it. */
const round = (netdev = NETDEV, ps = PS): string =>
  `:vigil-report: netstat procnetdev\n${withEnd(netdev)}:vigil-report: process\n${withEnd(ps)}:vigil-report: end\n`

const pushAll = (chunks: readonly string[]): ReportSection[] => {
  const splitter = createReportSplitter()
  return chunks.flatMap((chunk) => splitter.push(chunk))
}

describe('createReportSplitter', () => {
  it('cuts rounds into sections by their marker lines, each with the text up to the next marker', () => {
    const sections = pushAll([round() + round()])
    expect(sections).toEqual([
      { name: 'netstat', arg: 'procnetdev', text: withEnd(NETDEV) },
      { name: 'process', arg: null, text: withEnd(PS) },
      { name: 'netstat', arg: 'procnetdev', text: withEnd(NETDEV) },
      { name: 'process', arg: null, text: withEnd(PS) }
    ])
  })

  it('gives the same sections however the output is chunked, a marker line cut in two included', () => {
    const text = round() + round()
    const whole = pushAll([text])
    for (let cut = 0; cut <= text.length; cut++) expect(pushAll([text.slice(0, cut), text.slice(cut)])).toEqual(whole)
    expect(pushAll([...text])).toEqual(whole)
    // A marker cut inside its prefix, and a chunk that ends exactly at a marker's newline.
    const marker = text.indexOf(':vigil-report: process')
    expect(pushAll([text.slice(0, marker + 5), text.slice(marker + 5, marker + 23), text.slice(marker + 23)])).toEqual(whole)
  })

  it('completes a section only when the next marker has come (no early, partial report)', () => {
    const splitter = createReportSplitter()
    const text = round()
    const processAt = text.indexOf(':vigil-report: process')
    expect(splitter.push(text.slice(0, processAt))).toEqual([])
    expect(splitter.push(text.slice(processAt, text.indexOf(':vigil-report: end')))).toEqual([{ name: 'netstat', arg: 'procnetdev', text: withEnd(NETDEV) }])
    expect(splitter.push(':vigil-report: end\n')).toEqual([{ name: 'process', arg: null, text: withEnd(PS) }])
  })

  it('ignores what comes outside a section (a login script before the first marker), and CRLF line ends', () => {
    const text = `Welcome to the jump host\r\n:vigil-report: process\r\n${PS.replace(/\n/g, '\r\n')}:vigil-report: end\r\nstray\n`
    expect(pushAll([text])).toEqual([{ name: 'process', arg: null, text: withEnd(PS) }])
  })

  it('reads a marker at the start of a line only: ps showing the loop itself is a ps line', () => {
    const ps = `${withEnd(PS)}  4242 root 0.0 0.0 sh -c LC_ALL=C; export LC_ALL; while :; do echo ':vigil-report: end' || exit; done\n`
    expect(pushAll([round(NETDEV, ps)])[1]).toEqual({ name: 'process', arg: null, text: ps })
  })

  it('drops a section past its size limit, saying so, and reads the next one', () => {
    const line = `${'x'.repeat(1023)}\n`
    const splitter = createReportSplitter()
    const sections: ReportSection[] = splitter.push(':vigil-report: process\n')
    for (let i = 0; i <= MAX_SECTION_CHARS / line.length; i++) sections.push(...splitter.push(line))
    sections.push(...splitter.push(round()))
    expect(sections[0]).toEqual({ name: 'process', arg: null, text: '', error: expect.stringContaining('longer than') })
    expect(sections.slice(1)).toEqual(pushAll([round()]))
  })
})

describe('createReportLoopStream', () => {
  const netstatOf = (report: LoopReport | undefined) => report as Extract<LoopReport, { section: 'netstat' }>

  it('reads each section with the parser of its command: the same rows as the command run on its own', () => {
    const reports = createReportLoopStream('linux').push(round() + round().replace('netstat procnetdev', 'netstat netstat').replace(NETDEV, NETSTAT))
    expect(reports).toEqual([
      { section: 'netstat', source: 'procnetdev', parsed: parseInterfaces(NETDEV, 'linux', 'procnetdev') },
      { section: 'process', parsed: parseProcesses(PS, 'linux') },
      { section: 'netstat', source: 'netstat', parsed: parseInterfaces(NETSTAT, 'linux', 'netstat') },
      { section: 'process', parsed: parseProcesses(PS, 'linux') }
    ])
    expect(reports[0]?.parsed.ok && reports[0].parsed.rows.length).toBeGreaterThan(0)
    expect(reports[2]?.parsed.ok && reports[2].parsed.rows.length).toBeGreaterThan(0)
  })

  it('reads what a failing command said (its stderr goes with the report) as the error of that report', () => {
    const reports = createReportLoopStream('linux').push(round('cat: /proc/net/dev: Permission denied\n', "ps: error: unsupported option (BSD syntax)\n"))
    expect(netstatOf(reports[0])).toMatchObject({ source: 'procnetdev', parsed: { ok: false, error: expect.stringContaining('cat: /proc/net/dev: Permission denied') } })
    expect(reports[1]).toMatchObject({ section: 'process', parsed: { ok: false, error: expect.stringContaining('ps: error: unsupported option') } })
  })

  it('gives a missing section nothing (the round still ends), and reads the next round whole', () => {
    const stream = createReportLoopStream('linux')
    expect(stream.push(`:vigil-report: netstat procnetdev\n${NETDEV}:vigil-report: end\n`).map((report) => report.section)).toEqual(['netstat'])
    expect(stream.push(`:vigil-report: process\n${PS}:vigil-report: end\n`).map((report) => report.section)).toEqual(['process'])
    expect(stream.push(round()).map((report) => report.section)).toEqual(['netstat', 'process'])
    // An empty section is a report that says there was no output.
    expect(stream.push(':vigil-report: process\n:vigil-report: end\n')).toEqual([{ section: 'process', parsed: { ok: false, error: 'no ps output' } }])
  })

  it('refuses an interface report from a source it does not know, and skips sections it does not know', () => {
    const reports = createReportLoopStream('linux').push(`:vigil-report: netstat ifconfig\n${NETSTAT}:vigil-report: uptime\n 10:00 up\n:vigil-report: end\n`)
    expect(reports).toEqual([{ section: 'netstat', source: null, parsed: { ok: false, error: expect.stringContaining('unknown source: ifconfig') } }])
  })
})
