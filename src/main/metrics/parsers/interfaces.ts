import { firstLine, parseWhole, splitLines, tokenize } from '../../base/text'
import { rejectedRow, type InterfaceCounters, type OsKind, type Parsed } from './types'

/** Where the counters come from: Linux's /proc/net/dev, or `netstat -i` (net-tools on Linux, AIX). */
export type InterfaceSource = 'procnetdev' | 'netstat'

/**
 * Cumulative packet and error counters per interface, one row per interface, by column name.
 * Rates come later, from two samples (interfaceRates).
 */
export function parseInterfaces(text: string, os: OsKind, source: InterfaceSource): Parsed<InterfaceCounters> {
  if (source === 'procnetdev') {
    return os === 'linux' ? parseProcNetDev(text) : { ok: false, error: '/proc/net/dev exists on Linux only' }
  }
  return parseNetstatInterfaces(text)
}

// /proc/net/dev:
//   Inter-|   Receive                            |  Transmit
//    face |bytes    packets errs drop fifo frame …|bytes    packets errs drop fifo colls …
//       lo: 46348593   19490    0    0 …
function parseProcNetDev(text: string): Parsed<InterfaceCounters> {
  let fields: { receive: string[]; transmit: string[] } | null = null
  const rows: InterfaceCounters[] = []
  for (const line of splitLines(text)) {
    if (!fields) {
      fields = readProcNetDevHeader(line)
      continue
    }
    const row = readProcNetDevRow(line, fields.receive, fields.transmit)
    if (row) rows.push(row)
  }
  if (!fields) return { ok: false, error: notInterfaces(text, '/proc/net/dev ("face |bytes packets errs …|bytes packets errs …")') }
  return { ok: true, rows: firstPerInterface(rows) }
}

function readProcNetDevHeader(line: string): { receive: string[]; transmit: string[] } | null {
  const groups = line.split('|')
  if (groups.length !== 3) return null
  const receive = tokenize(groups[1] ?? '')
  const transmit = tokenize(groups[2] ?? '')
  const counted = (names: string[]): boolean => names.includes('packets') && names.includes('errs')
  return counted(receive) && counted(transmit) ? { receive, transmit } : null
}

function readProcNetDevRow(line: string, receive: string[], transmit: string[]): InterfaceCounters | null {
  // Old kernels glue the first counter to the colon ("eth0:1234"), so split there, not on spaces.
  const colon = line.indexOf(':')
  if (colon < 0) return null
  const name = line.slice(0, colon).trim()
  const values = tokenize(line.slice(colon + 1))
  const complete = values.length === receive.length + transmit.length && values.every((value) => /^\d+$/.test(value))
  if (name === '' || /\s/.test(name) || !complete) return null
  // Only the four counters are converted: a byte counter past 2^53 must not cost the row.
  const counter = (names: string[], offset: number, field: string): number | null => parseWhole(values[offset + names.indexOf(field)])
  return counters(
    name,
    counter(receive, 0, 'packets'),
    counter(receive, 0, 'errs'),
    counter(transmit, receive.length, 'packets'),
    counter(transmit, receive.length, 'errs')
  )
}

// `netstat -i`, in two families:
//  net-tools (Linux): Iface MTU [Met] RX-OK RX-ERR RX-DRP RX-OVR TX-OK TX-ERR TX-DRP TX-OVR Flg
//  AIX:               Name Mtu Network Address Ipkts Ierrs Opkts Oerrs Coll
// AIX prints a link row and one row per address for each interface, with the same counters;
// its Address (and sometimes Network) column can be blank, so its counters are read from the
// right, where the columns always line up.
function parseNetstatInterfaces(text: string): Parsed<InterfaceCounters> {
  let header: NetstatHeader | null = null
  let headerLine = ''
  const rows: InterfaceCounters[] = []
  const rejected: string[] = []
  for (const line of splitLines(text)) {
    const tokens = tokenize(line)
    const next = readNetstatHeader(tokens)
    if (next) {
      header = next
      headerLine = line.trim()
      continue
    }
    if (!header || tokens.length === 0) continue
    const row = header.read(tokens)
    if (row) rows.push(row)
    // AIX prints N/A for the counters of an interface that keeps none: nothing to read, not an error.
    else if (!tokens.includes('N/A')) rejected.push(rejectedRow(line, headerLine))
  }
  if (!header) return { ok: false, error: notInterfaces(text, 'netstat -i ("Iface … RX-OK RX-ERR TX-OK TX-ERR" or "Name … Ipkts Ierrs Opkts Oerrs")') }
  return rejected.length > 0 ? { ok: true, rows: firstPerInterface(rows), rejected } : { ok: true, rows: firstPerInterface(rows) }
}

interface NetstatHeader {
  read(tokens: readonly string[]): InterfaceCounters | null
}

function readNetstatHeader(tokens: readonly string[]): NetstatHeader | null {
  const at = (name: string): number => tokens.indexOf(name)
  if (tokens[0] === 'Iface' && [at('RX-OK'), at('RX-ERR'), at('TX-OK'), at('TX-ERR')].every((i) => i > 0)) {
    return netToolsHeader(tokens)
  }
  if (tokens[0] === 'Name' && [at('Ipkts'), at('Ierrs'), at('Opkts'), at('Oerrs')].every((i) => i > 0)) {
    return bsdHeader(tokens)
  }
  return null
}

function netToolsHeader(header: readonly string[]): NetstatHeader {
  const index = (name: string): number => header.indexOf(name)
  return {
    read(tokens) {
      // The flags column is the only one that could be empty.
      const complete = tokens.length === header.length || (tokens.length === header.length - 1 && header.at(-1) === 'Flg')
      if (!complete) return null
      const value = (name: string): number | null => parseWhole(tokens[index(name)])
      return counters(tokens[0] ?? '', value('RX-OK'), value('RX-ERR'), value('TX-OK'), value('TX-ERR'))
    }
  }
}

function bsdHeader(header: readonly string[]): NetstatHeader {
  const fromRight = (name: string): number => header.length - header.indexOf(name)
  return {
    read(tokens) {
      // Up to two columns (Network, Address) may be blank; the counters are to their right.
      if (tokens.length > header.length || tokens.length < header.length - 2) return null
      const value = (name: string): number | null => parseWhole(tokens[tokens.length - fromRight(name)])
      // AIX marks an interface that is down with a trailing "*".
      const name = (tokens[0] ?? '').replace(/\*$/, '')
      return counters(name, value('Ipkts'), value('Ierrs'), value('Opkts'), value('Oerrs'))
    }
  }
}

function counters(
  name: string,
  ipkts: number | null,
  ierrs: number | null,
  opkts: number | null,
  oerrs: number | null
): InterfaceCounters | null {
  if (name === '' || ipkts === null || ierrs === null || opkts === null || oerrs === null) return null
  return { interface: name, ipkts, ierrs, opkts, oerrs }
}

/** One row per interface: the first one seen (AIX's link row). */
function firstPerInterface(rows: InterfaceCounters[]): InterfaceCounters[] {
  const seen = new Set<string>()
  return rows.filter((row) => {
    if (seen.has(row.interface)) return false
    seen.add(row.interface)
    return true
  })
}

function notInterfaces(text: string, expected: string): string {
  const seen = firstLine(text)
  return seen === '' ? 'no interface output' : `not ${expected} output; it starts with: ${seen}`
}
