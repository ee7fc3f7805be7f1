import { firstLine, parseDecimal, parseWhole, splitLines, tokenize, tokenizeWithPositions } from '../../base/text'
import { rejectedRow, type OsKind, type Parsed, type ProcessSample } from './types'

// `ps -o …` output (procps on Linux, AIX ps), read by header name. The command column must be
// the last one: it is the rest of the line, spaces and all.

const COMMAND_COLUMNS = new Set(['COMMAND', 'CMD', 'ARGS'])
const USER_COLUMNS = ['USER', 'UNAME', 'RUSER', 'UID']
/** Start-time columns whose value may be two words ("Nov 28"). */
const DATE_COLUMNS = new Set(['STIME', 'START', 'STARTED'])
/** AIX lists processes that are exiting or zombies with these instead of a command and with empty columns. */
const PLACEHOLDER_COMMANDS = new Set(['<defunct>', '<exiting>', '<idle>'])

interface PsHeader {
  readonly names: readonly string[]
  readonly pid: number
  readonly user: number
  readonly cpu: number
  readonly mem: number
}

function readPsHeader(tokens: readonly string[]): PsHeader | null {
  const last = tokens.at(-1)
  if (last === undefined || !COMMAND_COLUMNS.has(last)) return null
  const pid = tokens.indexOf('PID')
  const user = USER_COLUMNS.map((name) => tokens.indexOf(name)).find((index) => index >= 0) ?? -1
  if (pid < 0 || user < 0) return null
  return { names: tokens, pid, user, cpu: tokens.indexOf('%CPU'), mem: tokens.indexOf('%MEM') }
}

function readPsRow(line: string, header: PsHeader): ProcessSample | null {
  // Only the columns before the command are split (each may be a two-word date, then the
  // command's first word): a command line has many words, and this runs for every process of
  // every server each interval.
  const tokens = tokenizeWithPositions(line, 2 * header.names.length)
  const values: string[] = []
  let next = 0
  for (const name of header.names.slice(0, -1)) {
    const token = tokens[next]
    if (!token) return null
    const following = tokens[next + 1]
    if (DATE_COLUMNS.has(name) && /^[A-Za-z]{3}$/.test(token.text) && following && /^\d{1,2}$/.test(following.text)) {
      values.push(`${token.text} ${following.text}`)
      next += 2
    } else {
      values.push(token.text)
      next += 1
    }
  }
  const commandStart = tokens[next]
  if (!commandStart) return null
  const command = line.slice(commandStart.start).trimEnd()
  const pid = parseWhole(values[header.pid])
  const user = values[header.user]
  if (pid === null || user === undefined || PLACEHOLDER_COMMANDS.has(command)) return null
  return {
    pid,
    user,
    cpu: header.cpu >= 0 ? parseDecimal(values[header.cpu]) : null,
    mem: header.mem >= 0 ? parseDecimal(values[header.mem]) : null,
    command
  }
}

/**
 * The processes of a `ps` snapshot, in the order ps printed them (the commands sort by CPU).
 * Rows ps prints with empty columns (AIX zombies and exiting processes) are skipped: they
 * use no CPU and have no owner or memory to report.
 */
export function parseProcesses(text: string, _os: OsKind): Parsed<ProcessSample> {
  let header: PsHeader | null = null
  let headerLine = ''
  const rows: ProcessSample[] = []
  const rejected: string[] = []
  for (const line of splitLines(text)) {
    if (!header) {
      header = readPsHeader(tokenize(line))
      headerLine = line.trim()
      continue
    }
    const row = readPsRow(line, header)
    if (row) rows.push(row)
    else if (line.trim() !== '' && !PLACEHOLDER_COMMANDS.has(tokenize(line).at(-1) ?? '')) rejected.push(rejectedRow(line, headerLine))
  }
  if (header) return rejected.length > 0 ? { ok: true, rows, rejected } : { ok: true, rows }
  const seen = firstLine(text)
  return {
    ok: false,
    error: seen === '' ? 'no ps output' : `not ps output (no "PID USER … COMMAND" header); it starts with: ${seen}`
  }
}
