// The command-output parsers for agentless server monitoring: what to run, and how to read it.
export type {
  InterfaceCounters,
  IostatSample,
  NetstatSample,
  OsKind,
  Parsed,
  ProcessSample,
  StreamParser,
  VmstatSample
} from './types'
export { detectOs } from '../../base/exec/os'
export {
  COMMANDS,
  MAX_INTERVAL_SECONDS,
  MAX_TOP_PROCESSES,
  MIN_INTERVAL_SECONDS,
  REPORT_MARKER,
  REPORT_SECTIONS,
  type ExecCommand,
  type InterfacesCommand,
  type OsCommands,
  type ReportLoopCommand,
  type StreamCommand
} from './commands'
export { parseVmstat } from './vmstat'
export { parseIostat } from './iostat'
export { parseInterfaces, type InterfaceSource } from './interfaces'
export { parseProcesses } from './processes'
export { createIostatStream, createVmstatStream } from './streams'
export { createReportLoopStream, createReportSplitter, MAX_SECTION_CHARS, type LoopReport, type ReportSection } from './report-loop'
export { interfaceRates, interfaceRatesAll, type InterfaceRates } from './rates'
