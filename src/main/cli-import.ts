// `vigil import-metrics FILE`: backfills a file of Prometheus text or OpenMetrics into Vigil.
//
// It goes through the running `vigil serve` of the data dir (its import endpoint), not into the
// data dir's files: the series store has one writer, the server (it numbers groups and keeps a
// write-ahead log in memory), and a second process writing beside it would corrupt them. The
// file is read and checked whole first — a bad line imports nothing, and the error names the
// file's line and column — then sent in batches of a few MiB (as Prometheus text with ms
// timestamps), with a progress line. Importing a file again stores nothing twice, so a batch
// that failed (the server stopped) is finished by running the command again.
import { readFileSync } from 'node:fs'
import { loadOrCreateApiToken } from './base/security/api-token'
import { sendRequest, type TlsTrust } from './cli/http'
import { readServeFile } from './cli/serve-file'
import { ExpositionError, parseImport, writePrometheusText, type ExpositionFormat, type ImportResult } from './prometheus'

export const IMPORT_HELP = `  vigil import-metrics FILE [--format prometheus|openmetrics] [--data-dir DIR]
      Import a file of Prometheus text (timestamps in milliseconds) or OpenMetrics (seconds;
      told by its closing '# EOF') through the running 'vigil serve' of the data dir, with a
      progress line. The whole file is checked first: a bad line imports nothing. A sample
      without a timestamp gets the time of the import; one already stored is not stored again.`

/** Batches of about 4 MiB: each a few hundred ms for the server, well under its 32 MiB limit. */
const BATCH_BYTES = 4 << 20

export interface CommandOutput {
  out(text: string): void
  err(text: string): void
  /** Rewrite the progress line in place (a terminal), or print it once at the end. */
  tty: boolean
}

const processOutput: CommandOutput = {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
  tty: process.stdout.isTTY === true
}

export async function importMetricsCommand(dataDir: string, file: string | undefined, format: string | undefined, output: CommandOutput = processOutput): Promise<number> {
  if (!file || (format !== undefined && format !== 'prometheus' && format !== 'openmetrics')) {
    output.err(`Usage:\n${IMPORT_HELP}\n`)
    return 2
  }
  const server = runningServer(dataDir)
  if (!server) {
    output.err(`No running 'vigil serve' found for ${dataDir}: start it first (the import writes through it).\n`)
    return 1
  }
  let text: string
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(readFileSync(file))
  } catch (error) {
    output.err(`${file}: ${error instanceof TypeError ? 'the file is not valid UTF-8' : (error as Error).message}\n`)
    return 1
  }
  const chosen: ExpositionFormat = (format as ExpositionFormat | undefined) ?? detectFormat(text)
  let parsed: ReturnType<typeof parseImport>
  try {
    parsed = parseImport(text, chosen)
  } catch (error) {
    if (!(error instanceof ExpositionError)) throw error
    output.err(`${file}:${error.message}\n`)
    return 1
  }
  return send(server, parsed, file, chosen, output)
}

/** OpenMetrics ends with `# EOF`; Prometheus text has no such line. */
export function detectFormat(text: string): ExpositionFormat {
  const lines = text.trimEnd().split('\n')
  return lines[lines.length - 1]?.trim() === '# EOF' ? 'openmetrics' : 'prometheus'
}

interface Server {
  url: string
  token: string
  /** A server on HTTPS: its certificate, trusted by fingerprint only (it may well be self-signed). */
  trust: TlsTrust | null
}

function runningServer(dataDir: string): Server | null {
  const running = readServeFile(dataDir)
  return running && { url: running.url, token: loadOrCreateApiToken(dataDir), trust: running.trust }
}

async function send(server: Server, parsed: ReturnType<typeof parseImport>, file: string, format: ExpositionFormat, output: CommandOutput): Promise<number> {
  const total: ImportResult = { series: parsed.series.length, samples: 0, unchanged: 0 }
  let sent = 0
  const progress = (): string => `${file}: ${sent.toLocaleString('en')} of ${parsed.sampleCount.toLocaleString('en')} samples sent (${percent(sent, parsed.sampleCount)})`
  for (const batch of writePrometheusText(parsed.series, Date.now(), BATCH_BYTES)) {
    let answer: { status: number; body: { data?: ImportResult; error?: string } }
    try {
      const response = await sendRequest(new URL('/prometheus/api/v1/import/prometheus', server.url), {
        method: 'POST',
        headers: { Authorization: `Bearer ${server.token}`, 'Content-Type': 'text/plain; version=0.0.4' },
        body: batch.text,
        trust: server.trust
      })
      answer = { status: response.status, body: JSON.parse(response.text) as typeof answer.body }
    } catch (error) {
      answer = { status: 0, body: { error: `${server.url} did not answer (${(error as Error).message}); is 'vigil serve' still running?` } }
    }
    if (answer.status !== 200 || !answer.body.data) {
      if (output.tty) output.out('\n')
      output.err(`${file}: the import stopped after ${sent.toLocaleString('en')} of ${parsed.sampleCount.toLocaleString('en')} samples: ${answer.body.error ?? `HTTP ${answer.status}`}\n` + 'Running the command again imports the rest (samples already stored are skipped).\n')
      return 1
    }
    sent += batch.samples
    total.samples += answer.body.data.samples
    total.unchanged += answer.body.data.unchanged
    if (output.tty) output.out(`\r${progress()}`)
  }
  output.out(`${output.tty ? '\r' : ''}${progress()}\n`)
  output.out(
    `Imported ${total.series.toLocaleString('en')} series from ${file} (${format === 'openmetrics' ? 'OpenMetrics' : 'Prometheus text'}): ` +
      `${total.samples.toLocaleString('en')} samples stored, ${total.unchanged.toLocaleString('en')} already there.\n`
  )
  return 0
}

function percent(part: number, whole: number): string {
  return whole === 0 ? '100%' : `${Math.floor((part / whole) * 100)}%`
}
