import { excerpt } from '../../base/text'
import { REPORT_MARKER, REPORT_SECTIONS } from './commands'
import { parseInterfaces, type InterfaceSource } from './interfaces'
import { parseProcesses } from './processes'
import type { InterfaceCounters, OsKind, Parsed, ProcessSample } from './types'

// The output of the report loop (commands.ts, reportLoop): rounds of sections, each after its
// marker line, every round closed by the `end` marker. Output arrives in arbitrary chunks; a
// section is complete when the next marker line has arrived, and is then read by the parser of
// its command, exactly as the command's output was read when it ran on its own.

/** More than any report Vigil asks for (ps keeps at most 1,000 whole command lines): past it, the section is dropped. */
export const MAX_SECTION_CHARS = 8 * 1024 * 1024

/** One section as the loop printed it: the words of its marker line and the lines up to the next marker. */
export interface ReportSection {
  name: string
  /** The marker's second word (the interface counters' source), or null. */
  arg: string | null
  text: string
  /** Set when the section was too long to keep; `text` is then empty. */
  error?: string
}

/** Cuts the loop's output into sections, whatever the chunking (a marker line split in two included). */
export function createReportSplitter(): { push(chunk: string): ReportSection[] } {
  const prefix = `${REPORT_MARKER} `
  let pending = ''
  let current: { name: string; arg: string | null; lines: string[]; chars: number; overflowed: boolean } | null = null
  const close = (into: ReportSection[]): void => {
    if (!current) return
    const { name, arg } = current
    into.push(
      current.overflowed
        ? { name, arg, text: '', error: `the ${name} report is longer than ${MAX_SECTION_CHARS} characters` }
        : { name, arg, text: current.lines.length > 0 ? `${current.lines.join('\n')}\n` : '' }
    )
    current = null
  }
  return {
    push(chunk: string): ReportSection[] {
      const sections: ReportSection[] = []
      const text = pending + chunk
      let start = 0
      for (let end = text.indexOf('\n'); end >= 0; start = end + 1, end = text.indexOf('\n', start)) {
        const line = text.charCodeAt(end - 1) === 13 && end > start ? text.slice(start, end - 1) : text.slice(start, end)
        if (line.startsWith(prefix)) {
          close(sections)
          const [name = '', arg = null] = line.slice(prefix.length).trim().split(/\s+/)
          if (name !== REPORT_SECTIONS.end) current = { name, arg, lines: [], chars: 0, overflowed: false }
        } else if (current && !current.overflowed) {
          // Anything outside a section (a login script's chatter before the first marker) is not a report.
          current.chars += line.length + 1
          if (current.chars > MAX_SECTION_CHARS) {
            current.overflowed = true
            current.lines = []
          } else current.lines.push(line)
        }
      }
      pending = text.slice(start)
      // A line without its end for this long is not one the loop prints: keep its end only.
      if (pending.length > MAX_SECTION_CHARS) {
        pending = ''
        if (current) {
          current.overflowed = true
          current.lines = []
        }
      }
      return sections
    }
  }
}

/** One section read: the interface counters (with the source they came from) or the processes. */
export type LoopReport =
  | { section: 'netstat'; source: InterfaceSource | null; parsed: Parsed<InterfaceCounters> }
  | { section: 'process'; parsed: Parsed<ProcessSample> }

/** The report loop as a stream: each push returns the sections it completed, read by their parsers. */
export function createReportLoopStream(os: OsKind): { push(chunk: string): LoopReport[] } {
  const splitter = createReportSplitter()
  return {
    push(chunk: string): LoopReport[] {
      const reports: LoopReport[] = []
      for (const section of splitter.push(chunk)) {
        if (section.name === REPORT_SECTIONS.netstat) {
          const source = section.arg === 'procnetdev' || section.arg === 'netstat' ? section.arg : null
          const parsed: Parsed<InterfaceCounters> = section.error
            ? { ok: false, error: section.error }
            : source
              ? parseInterfaces(section.text, os, source)
              : { ok: false, error: `an interface report from an unknown source: ${excerpt(String(section.arg), 40)}` }
          reports.push({ section: 'netstat', source, parsed })
        } else if (section.name === REPORT_SECTIONS.process) {
          reports.push({ section: 'process', parsed: section.error ? { ok: false, error: section.error } : parseProcesses(section.text, os) })
        }
        // Another section name is not one Vigil's loop prints: nothing to read.
      }
      return reports
    }
  }
}
