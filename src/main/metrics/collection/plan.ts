import type { SampleValues } from '../samples'
import type { CollectionPlan } from './host-collector'
import { COMMANDS, createIostatStream, createVmstatStream, parseInterfaces, parseProcesses, type OsKind, type Parsed, type StreamParser } from '../parsers'

/** Parsed rows are plain records of the spec's fields: what the store takes. */
const asValues = <T>(parsed: Parsed<T>): Parsed<SampleValues> => parsed as unknown as Parsed<SampleValues>
const asValueStream = <T>(parser: StreamParser<T>): StreamParser<SampleValues> => ({ push: (chunk) => asValues(parser.push(chunk)) })

/** What to run on a server of this OS, and how to read it. */
export function planFor(os: OsKind, intervalSeconds: number, topProcesses: number): CollectionPlan {
  const commands = COMMANDS[os]
  const iostat = commands.iostat(intervalSeconds)
  const iostatParser = (dropFirstReport: boolean) => () => asValueStream(createIostatStream(os, { intervalSeconds, dropFirstReport }))
  return {
    streams: [
      {
        metric: 'vmstat',
        command: commands.vmstat(intervalSeconds).command,
        parser: () => asValueStream(createVmstatStream(os, { intervalSeconds }))
      },
      {
        metric: 'iostat',
        command: iostat.command,
        parser: iostatParser(iostat.dropsFirstReport),
        ...(iostat.fallback
          ? { fallback: { command: iostat.fallback.command, refusal: iostat.fallback.refusal, parser: iostatParser(iostat.fallback.dropsFirstReport) } }
          : {})
      }
    ],
    periodic: [
      {
        metric: 'netstat',
        variants: commands.interfaces.map(({ command, source }) => ({ command, parse: (text: string) => asValues(parseInterfaces(text, os, source)) }))
      },
      {
        metric: 'process',
        variants: [{ command: commands.processes(topProcesses).command, parse: (text: string) => asValues(parseProcesses(text, os)) }]
      }
    ]
  }
}
