// A streaming reader of nmon recordings (`nmon -F file`, Linux and AIX: the format nmon's
// documentation and the nmon analyser describe). A recording is CSV-like lines, each starting
// with its section: AAA (the run: host, OS, interval, date), BBB* (configuration, skipped),
// header lines (`CPU_ALL,CPU Total host,User%,Sys%,…`: the section's column names), ZZZZ
// (`ZZZZ,T0001,13:19:22,02-DEC-2026`: a snapshot's tag and local time) and the snapshot's data
// lines (`CPU_ALL,T0001,0.8,4.7,…`; TOP puts the pid first: `TOP,+PID…` / `TOP,1234,T0002,…`).
// nmon writes each snapshot's ZZZZ before its data; a file sorted afterwards (as nmon's note
// suggests for spreadsheets) is refused with the line where the order breaks.
//
// Lines are handed out a snapshot at a time, so a day-long recording is read in bounded memory.
// Only the sections Vigil maps (nmon-mapping.ts) are checked; the others are skipped unread.

export interface NmonFault {
  line: number
  message: string
}

export interface NmonLine {
  line: number
  /** The values after the tag, as numbers (an empty field: null). */
  values: Array<number | null>
}

export interface NmonTopLine {
  line: number
  pid: number
  /** The fields after pid and tag, as text (Command is text). */
  fields: string[]
}

export interface NmonSnapshot {
  tag: string
  /** The ZZZZ line. */
  line: number
  ts: number
  sections: Map<string, NmonLine>
  top: NmonTopLine[]
}

export interface NmonRun {
  host: string | null
  os: 'linux' | 'aix' | null
  /** Seconds between snapshots, as AAA,interval says. */
  interval: number | null
  /** Header line of each section: the column names after the description. */
  headers: Map<string, string[]>
}

export interface NmonSink {
  snapshot(snapshot: NmonSnapshot, run: NmonRun): void
  fault(fault: NmonFault): void
}

/** The sections whose lines are read and checked (the rest are skipped). */
export const MAPPED_SECTION = /^(CPU_ALL|MEM|PROC|VM|PAGE|NETPACKET|NETERROR|DISK(BUSY|READ|WRITE|XFER|SERV)\d*)$/

const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC']
const TAG = /^T\d+$/

export class NmonReader {
  private rest = ''
  private lineNo = 0
  private current: NmonSnapshot | null = null
  /** A tag whose ZZZZ line was bad: its lines are dropped with it. */
  private badTag: string | null = null
  private readonly run: NmonRun = { host: null, os: null, interval: null, headers: new Map() }
  private sawAaa = false

  /** `offsetMinutes`: the recording host's offset from UTC; null for this machine's zone. */
  constructor(
    private readonly sink: NmonSink,
    private readonly offsetMinutes: number | null
  ) {}

  push(chunk: string): void {
    const text = this.rest + chunk
    let pos = 0
    for (let newline = text.indexOf('\n'); newline >= 0; newline = text.indexOf('\n', pos)) {
      this.readLine(text.slice(pos, newline > pos && text.charCodeAt(newline - 1) === 13 ? newline - 1 : newline))
      pos = newline + 1
    }
    this.rest = text.slice(pos)
  }

  end(): void {
    if (this.rest.length > 0) this.readLine(this.rest.replace(/\r$/, ''))
    this.rest = ''
    this.finishSnapshot()
    if (!this.sawAaa) this.sink.fault({ line: 1, message: 'not an nmon recording: it has no AAA lines' })
  }

  private readLine(text: string): void {
    this.lineNo++
    if (text.length === 0) return
    const fields = text.split(',')
    const section = fields[0] as string
    if (section === 'AAA') return this.aaa(fields)
    if (section.startsWith('BBB')) return
    if (section === 'ZZZZ') return this.zzzz(fields)
    if (section === 'TOP') return this.top(fields)
    const second = fields[1] ?? ''
    if (!TAG.test(second)) {
      // A header: the description, then the column names.
      if (MAPPED_SECTION.test(section)) this.run.headers.set(section, fields.slice(2))
      return
    }
    if (!MAPPED_SECTION.test(section)) return
    const snapshot = this.snapshotFor(second)
    if (snapshot === null) return
    let header = this.run.headers.get(section)
    if (header === undefined) return this.fault(`${section} data before its header line`)
    const raw = fields.slice(2)
    // nmon ends some lines with a comma (an empty last column): a field more than the header is fine when empty.
    while (raw.length > header.length && raw[raw.length - 1] === '') raw.pop()
    // nmon 14–15 (Linux) writes NETPACKET's header with an empty column after each name
    // (`lo-read/s,,eth0-read/s,,…`) but its data without: the names alone are the header.
    if (raw.length !== header.length && header.includes('')) {
      const named = header.filter((name) => name !== '')
      if (named.length === raw.length) this.run.headers.set(section, (header = named))
    }
    if (raw.length !== header.length) return this.fault(`${section} has ${raw.length} values under a header of ${header.length} columns`)
    const values: Array<number | null> = []
    for (const [index, field] of raw.entries()) {
      const value = numberOf(field)
      if (value === undefined) return this.fault(`${section}: ${header[index] ?? `column ${index + 1}`} is not a number: ${JSON.stringify(field.slice(0, 40))}`)
      values.push(value)
    }
    snapshot.sections.set(section, { line: this.lineNo, values })
  }

  private aaa(fields: string[]): void {
    this.sawAaa = true
    const [, key, value] = fields
    if (key === 'host' && value) this.run.host = value
    else if (key === 'interval' && value) this.run.interval = Number(value) || null
    else if (key === 'OS' && value) this.run.os = /linux/i.test(value) ? 'linux' : /aix/i.test(value) ? 'aix' : null
    else if (key === 'AIX' && this.run.os === null) this.run.os = 'aix'
  }

  private zzzz(fields: string[]): void {
    this.finishSnapshot()
    const [, tag, time, date] = fields
    const ts = tag && TAG.test(tag) && time && date ? this.timeOf(time, date) : null
    if (ts === null) {
      this.badTag = tag ?? null
      return this.fault(`a ZZZZ line without a tag, a time (HH:MM:SS) and a date (DD-MON-YYYY): ${JSON.stringify(fields.slice(1).join(','))}`)
    }
    this.badTag = null
    this.current = { tag: tag as string, line: this.lineNo, ts, sections: new Map(), top: [] }
  }

  private top(fields: string[]): void {
    const first = fields[1] ?? ''
    if (first === '+PID') {
      this.run.headers.set('TOP', fields.slice(3))
      return
    }
    if (!/^\d+$/.test(first)) return // "TOP,%CPU Utilisation": a title
    const snapshot = this.snapshotFor(fields[2] ?? '')
    if (snapshot === null) return
    const header = this.run.headers.get('TOP')
    if (header === undefined) return this.fault('TOP data before its header line')
    const rest = fields.slice(3)
    // The command may itself hold commas: what runs over the header is joined back into it.
    const commandAt = header.indexOf('Command')
    if (rest.length > header.length && commandAt >= 0) rest.splice(commandAt, rest.length - header.length + 1, rest.slice(commandAt, commandAt + rest.length - header.length + 1).join(','))
    if (rest.length < header.length) return this.fault(`TOP has ${rest.length} values under a header of ${header.length} columns`)
    snapshot.top.push({ line: this.lineNo, pid: Number(first), fields: rest })
  }

  /** The snapshot a data line belongs to, or null (with a fault) when its tag is not the one under way. */
  private snapshotFor(tag: string): NmonSnapshot | null {
    if (this.current !== null && this.current.tag === tag) return this.current
    if (tag === this.badTag) return null
    this.fault(
      this.current === null
        ? `data of snapshot ${tag} before any ZZZZ line (a sorted file? import the recording as nmon wrote it)`
        : `data of snapshot ${tag} inside snapshot ${this.current.tag} (a sorted file? import the recording as nmon wrote it)`
    )
    return null
  }

  private finishSnapshot(): void {
    if (this.current !== null) this.sink.snapshot(this.current, this.run)
    this.current = null
  }

  private fault(message: string): void {
    this.sink.fault({ line: this.lineNo, message })
  }

  /** `13:19:22` on `02-DEC-2026`, in the recording host's zone. */
  private timeOf(time: string, date: string): number | null {
    const t = /^(\d{1,2}):(\d\d):(\d\d)$/.exec(time)
    const d = /^(\d{1,2})-([A-Za-z]{3})-(\d{4})$/.exec(date)
    if (!t || !d) return null
    const month = MONTHS.indexOf((d[2] as string).toUpperCase())
    const [hours, minutes, seconds, day, year] = [t[1], t[2], t[3], d[1], d[3]].map(Number) as [number, number, number, number, number]
    if (month < 0 || hours > 23 || minutes > 59 || seconds > 60 || day < 1 || day > 31) return null
    if (this.offsetMinutes === null) return new Date(year, month, day, hours, minutes, seconds).getTime()
    return Date.UTC(year, month, day, hours, minutes, seconds) - this.offsetMinutes * 60_000
  }
}

/** A field as a number; '' is null (a column nmon leaves empty); undefined when it is not a number. */
function numberOf(field: string): number | null | undefined {
  const text = field.trim()
  if (text === '') return null
  const value = Number(text)
  return Number.isFinite(value) ? value : undefined
}

/** `+02:00` as minutes east of UTC. */
export function offsetMinutes(offset: string | undefined): number | null {
  if (offset === undefined) return null
  const match = /^([+-])(\d\d):(\d\d)$/.exec(offset)
  if (!match) return null
  return (match[1] === '-' ? -1 : 1) * (Number(match[2]) * 60 + Number(match[3]))
}
