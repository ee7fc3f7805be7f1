// Writes parsed series back as Prometheus text with millisecond timestamps, in batches of a
// bounded size: how `vigil import-metrics` sends a file of any size, in either format, to the
// import endpoint.
import type { ParsedSeries } from './text-parser'

export interface TextBatch {
  text: string
  samples: number
}

/**
 * The samples of `series` as lines of Prometheus text, cut into batches of about `maxBytes`
 * (a batch holds at least one line). A sample without a timestamp is given `defaultTimestampMs`,
 * so that every batch of one file gives such samples the same time.
 */
export function* writePrometheusText(series: readonly ParsedSeries[], defaultTimestampMs: number, maxBytes: number): Generator<TextBatch> {
  let lines: string[] = []
  let bytes = 0
  for (const { name, labels, timestamps, values } of series) {
    const prefix = `${name}${labelBlock(labels)} `
    for (let i = 0; i < values.length; i++) {
      const line = `${prefix}${textValue(values[i] as number)} ${timestamps[i] ?? defaultTimestampMs}\n`
      const size = Buffer.byteLength(line)
      if (bytes + size > maxBytes && lines.length > 0) {
        yield { text: lines.join(''), samples: lines.length }
        lines = []
        bytes = 0
      }
      lines.push(line)
      bytes += size
    }
  }
  if (lines.length > 0) yield { text: lines.join(''), samples: lines.length }
}

function labelBlock(labels: Readonly<Record<string, string>>): string {
  const pairs = Object.entries(labels).map(([name, value]) => `${name}="${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`)
  return pairs.length === 0 ? '' : `{${pairs.join(',')}}`
}

/** Shortest round-trip digits; NaN, +Inf, -Inf and -0 as the parsers read them back. */
function textValue(value: number): string {
  if (Number.isNaN(value)) return 'NaN'
  if (value === Infinity) return '+Inf'
  if (value === -Infinity) return '-Inf'
  return Object.is(value, -0) ? '-0' : String(value)
}
