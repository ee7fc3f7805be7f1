// The metrics API's answer of raw rows written as JSON bytes straight from the columns read,
// byte for byte what JSON.stringify writes of the answer MetricsService.historical builds (the
// tests hold both to it): a page is up to 10,000 rows of some twenty members, and building an
// object a row, then its JSON text, then that text's UTF-8 bytes took about three times as long.
import { NUMERIC_FIELDS, type MetricName } from '../../shared/metrics'
import { isoSeconds } from '../../shared/time'
import type { SampleValue } from '../base/series/sample'
import { pageLength, type SamplePage } from './metric-rows'
import type { GroupRows, ServerNames } from './metrics-store'
import type { RowRef } from './row-merge'
import { labelFields, sampleId } from './series-mapping'

/** Each metric's fields in the spec's order: a row's after id, server and timestamp. */
export const SPEC_FIELDS: Record<MetricName, readonly string[]> = {
  vmstat: NUMERIC_FIELDS.vmstat,
  iostat: ['disk', ...NUMERIC_FIELDS.iostat],
  netstat: ['interface', ...NUMERIC_FIELDS.netstat],
  process: ['pid', 'user', 'cpu', 'mem', 'command']
}

const DAY_MS = 86_400_000
/** The longest text a number takes in JSON (-1.2345678901234567e-308). */
const NUMBER_BYTES = 25

/**
 * The answer `{"data":[rows…],…rest}` of a page of raw rows: each row as apiRow makes it
 * (id, server, timestamp, the spec's fields; netstat's time), then `rest`'s members.
 */
export function samplesJson(metric: MetricName, page: SamplePage, rest: Record<string, unknown>): Buffer {
  const out = new JsonBytes()
  out.text('{"data":[')
  const shapes = page.read.map((read) => rowShape(metric, read, page.names))
  const write = (source: number, row: number, first: boolean): void => {
    const shape = shapes[source] as RowShape
    const { group, rows } = page.read[source] as GroupRows
    out.reserve(shape.maxBytes)
    if (!first) out.byte(COMMA)
    out.bytes(ID)
    out.number(sampleId(group.id, rows.seq[row] as number))
    out.bytes(shape.server)
    const ts = rows.ts[row] as number
    out.timestamp(ts)
    const { texts, columns } = shape
    for (let s = 0; s < texts.length; s++) {
      out.bytes(texts[s] as Uint8Array)
      const column = columns[s]
      if (column !== undefined) out.value(rows.columns[column]?.[row])
    }
    if (metric === 'netstat') {
      out.bytes(TIME)
      out.number(Math.floor(ts / 1000))
    }
    out.byte(CLOSE_BRACE)
  }
  const length = pageLength(page)
  for (let i = 0; i < length; i++) {
    if (page.refs === null) write(0, i, i === 0)
    else write((page.refs[i] as RowRef).source, (page.refs[i] as RowRef).row, i === 0)
    // The rest of the page is about as long a row as the first: room for it at once, not by doubling.
    if (i === 0) out.reserve(Math.ceil(out.length * 1.15 * length) + 4096)
  }
  out.text(`],${JSON.stringify(rest).slice(1)}`)
  return out.finish()
}

/** How the rows of one group are written: what comes after the id, then text and values in turn. */
interface RowShape {
  /** `,"server_id":…,"server_alias":…,"timestamp":"` */
  server: Uint8Array
  /** Text (members' names, and the group's labels' members whole), each followed by the value of columns[i] when there is one. */
  texts: Uint8Array[]
  columns: number[]
  /** The most bytes a row of the group takes. */
  maxBytes: number
}

function rowShape(metric: MetricName, { group, serverId }: GroupRows, names: Map<string, ServerNames>): RowShape {
  const server = names.get(serverId) as ServerNames
  const labels = labelFields(metric, group)
  const json = JSON.stringify
  const serverText = `,"server_id":${json(serverId)},"server_hostname":${json(server.hostname)},"server_alias":${json(server.alias)},"timestamp":`
  const texts: Uint8Array[] = []
  const columns: number[] = []
  let pending = ''
  const numeric: readonly string[] = NUMERIC_FIELDS[metric]
  for (const field of SPEC_FIELDS[metric]) {
    const column = numeric.indexOf(field)
    if (column < 0) pending += `,${json(field)}:${json(labels[field] ?? null)}`
    else {
      texts.push(utf8(`${pending},${json(field)}:`))
      columns.push(column)
      pending = ''
    }
  }
  if (pending !== '') texts.push(utf8(pending))
  const serverBytes = utf8(serverText)
  let maxBytes = ID.length + NUMBER_BYTES + serverBytes.length + 32 + TIME.length + NUMBER_BYTES + 2
  for (const text of texts) maxBytes += text.length + NUMBER_BYTES
  return { server: serverBytes, texts, columns, maxBytes }
}

const utf8 = (text: string): Uint8Array => Buffer.from(text, 'utf8')
const ID = utf8('{"id":')
const TIME = utf8(',"time":')
const COMMA = 0x2c
const CLOSE_BRACE = 0x7d
const QUOTE = 0x22
const ZERO = 0x30

/** JSON bytes written into a buffer that grows; reserve() before writing a row, which then writes unchecked. */
class JsonBytes {
  private buffer = Buffer.allocUnsafe(1 << 16)
  private at = 0
  /** The day whose date ("2024-08-07T") is in dayPrefix; NaN for none. */
  private day = Number.NaN
  private dayPrefix: Uint8Array = new Uint8Array(0)

  /** Bytes written so far. */
  get length(): number {
    return this.at
  }

  reserve(bytes: number): void {
    if (this.at + bytes <= this.buffer.length) return
    const grown = Buffer.allocUnsafe(Math.max(this.at + bytes, this.buffer.length * 2))
    this.buffer.copy(grown, 0, 0, this.at)
    this.buffer = grown
  }

  byte(value: number): void {
    this.buffer[this.at++] = value
  }

  bytes(values: Uint8Array): void {
    const buffer = this.buffer
    let at = this.at
    if (values.length > 32) {
      buffer.set(values, at)
      at += values.length
    } else for (let i = 0; i < values.length; i++) buffer[at++] = values[i] as number
    this.at = at
  }

  /** Text of any length (checked: not within a reserved row). */
  text(text: string): void {
    const bytes = utf8(text)
    this.reserve(bytes.length)
    this.bytes(bytes)
  }

  /** A value as JSON.stringify writes it: null unless a finite number. */
  value(value: SampleValue | undefined): void {
    if (typeof value === 'number') this.number(value)
    else this.ascii('null')
  }

  number(value: number): void {
    // Integers within ±2^53 are written digit by digit (−0 as 0, as JSON.stringify does).
    if (Number.isSafeInteger(value)) {
      let n = value
      if (n < 0) {
        this.byte(0x2d)
        n = -n
      }
      let digits = 1
      for (let power = 10; power <= n; power *= 10) digits++
      const buffer = this.buffer
      let at = this.at + digits
      this.at = at
      // Below 2^31 in 32-bit integer operations; above, in floating point (exact: n < 2^53).
      while (n >= 2147483648) {
        const next = Math.floor(n / 10)
        buffer[--at] = ZERO + (n - next * 10)
        n = next
      }
      let small = n | 0
      do {
        const next = (small / 10) | 0
        buffer[--at] = ZERO + (small - next * 10)
        small = next
      } while (small > 0)
      return
    }
    this.ascii(Number.isFinite(value) ? String(value) : 'null')
  }

  /** ISO 8601 to the second, as isoSeconds writes it; the date is kept from row to row. */
  timestamp(instant: number): void {
    const ms = Math.trunc(instant)
    const day = Math.floor(ms / DAY_MS)
    this.byte(QUOTE)
    if (day !== this.day) {
      const iso = isoSeconds(ms)
      // Years of other than four digits: written whole, every time.
      if (iso.length !== 20) {
        this.ascii(iso)
        this.byte(QUOTE)
        return
      }
      this.day = day
      this.dayPrefix = utf8(iso.slice(0, 11))
    }
    this.bytes(this.dayPrefix)
    const seconds = Math.floor((ms - day * DAY_MS) / 1000)
    this.twoDigits(Math.floor(seconds / 3600))
    this.byte(0x3a)
    this.twoDigits(Math.floor(seconds / 60) % 60)
    this.byte(0x3a)
    this.twoDigits(seconds % 60)
    this.byte(0x5a)
    this.byte(QUOTE)
  }

  finish(): Buffer {
    return this.buffer.subarray(0, this.at)
  }

  private twoDigits(value: number): void {
    const tens = Math.floor(value / 10)
    this.byte(ZERO + tens)
    this.byte(ZERO + value - tens * 10)
  }

  /** ASCII text (a number's, a timestamp's). */
  private ascii(text: string): void {
    for (let i = 0; i < text.length; i++) this.byte(text.charCodeAt(i))
  }
}
