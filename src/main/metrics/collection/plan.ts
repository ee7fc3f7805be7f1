import type { SampleValues } from '../samples'
import { silenceLimitMs, type CollectionPlan, type StreamReader, type StreamReport } from './host-collector'
import { COMMANDS, createIostatStream, createReportLoopStream, createVmstatStream, type OsKind, type Parsed, type StreamParser } from '../parsers'

/** Parsed rows are plain records of the spec's fields: what the store takes. */
const asValues = <T>(parsed: Parsed<T>): Parsed<SampleValues> => parsed as unknown as Parsed<SampleValues>
/** A one-metric stream (vmstat N, iostat N): each chunk is one report of its metric. */
const readerOf = <T>(metric: 'vmstat' | 'iostat', parser: StreamParser<T>): StreamReader => ({
  push: (chunk) => [{ metric, parsed: asValues(parser.push(chunk)) }]
})

/**
 * The report loop's sections as the collector's reports. Each section is a whole report, as a
 * command run on its own was: clean, or showing its first line that did not read. Interface
 * counters from a /proc/net/dev that does not read ask for the loop that reads netstat -i.
 */
function reportLoopReader(os: OsKind): StreamReader {
  const stream = createReportLoopStream(os)
  return {
    push: (chunk) =>
      stream.push(chunk).map((report): StreamReport => {
        const read = asValues<unknown>(report.parsed)
        const parsed = read.ok && !read.rejected?.length ? { ...read, cleanReports: 1 } : read
        const useFallback = report.section === 'netstat' && report.source === 'procnetdev' && !report.parsed.ok
        return { metric: report.section, parsed, ...(useFallback ? { useFallback } : {}) }
      })
  }
}

/** What to run on a server of this OS, and how to read it. */
export function planFor(os: OsKind, intervalSeconds: number, topProcesses: number): CollectionPlan {
  const commands = COMMANDS[os]
  const iostat = commands.iostat(intervalSeconds)
  const loop = commands.reportLoop(intervalSeconds, topProcesses)
  const iostatReader = (dropFirstReport: boolean) => () => readerOf('iostat', createIostatStream(os, { intervalSeconds, dropFirstReport }))
  return {
    streams: [
      {
        metrics: ['vmstat'],
        command: commands.vmstat(intervalSeconds).command,
        reader: () => readerOf('vmstat', createVmstatStream(os, { intervalSeconds }))
      },
      {
        metrics: ['iostat'],
        command: iostat.command,
        reader: iostatReader(iostat.dropsFirstReport),
        ...(iostat.fallback
          ? { fallback: { command: iostat.fallback.command, refusal: iostat.fallback.refusal, reader: iostatReader(iostat.fallback.dropsFirstReport) } }
          : {})
      },
      {
        metrics: ['netstat', 'process'],
        command: loop.command,
        label: 'the netstat/ps report loop',
        reader: () => reportLoopReader(os),
        ...(loop.fallback ? { fallback: { command: loop.fallback.command, reader: () => reportLoopReader(os) } } : {}),
        silenceMs: silenceLimitMs(intervalSeconds)
      }
    ]
  }
}
