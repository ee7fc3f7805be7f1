import type { MetricName } from '../../../shared/metrics'
import type { CommandRunner } from '../../base/exec/runner'
import { COMMANDS, createIostatStream, createVmstatStream, interfaceRates, parseInterfaces, parseProcesses, type OsKind, type Parsed } from '../parsers'
import type { SampleValues } from '../samples'
import { messageOf } from '../../base/text'

/** How one metric of a one-off collection ended. */
export interface OnceResult {
  metric: MetricName
  rows: SampleValues[]
  error: string | null
}

/** A one-off run waits at most this long for a command (vmstat and iostat take a second). */
const ONCE_TIMEOUT_MS = 20_000

/**
 * A full collection now (the platform API's "sync"): every metric once, on the collector's own
 * connection, beside its running commands. vmstat and iostat run with a count instead of
 * streaming — a 1-second interval, and one report more where the first is the since-boot one,
 * which the same stream parser drops. The commands are the collector's, plus numbers Vigil sets.
 * Interface rates are null (one reading has no delta). Never throws: a failure is its metric's.
 */
export async function collectOnce(runner: CommandRunner, os: OsKind, topProcesses: number): Promise<OnceResult[]> {
  const commands = COMMANDS[os]
  const counted = (spec: { command: string; dropsFirstReport: boolean }): string => `${spec.command} ${spec.dropsFirstReport ? 2 : 1}`
  const run = async (metric: MetricName, variants: ReadonlyArray<{ command: string; parse: (text: string) => Parsed<SampleValues> }>): Promise<OnceResult> => {
    let error = 'no command to run'
    for (const variant of variants) {
      try {
        const result = await runner.exec(variant.command, { timeoutMs: ONCE_TIMEOUT_MS })
        const parsed = variant.parse(result.stdout)
        if (parsed.ok && parsed.rows.length > 0) return { metric, rows: parsed.rows, error: null }
        error = result.stderr.trim() || (parsed.ok ? `\`${variant.command}\` printed no rows` : parsed.error)
      } catch (caught) {
        error = messageOf(caught)
      }
    }
    return { metric, rows: [], error }
  }
  const whole = <T>(stream: { push(chunk: string): Parsed<T> }) => (text: string) => stream.push(text.endsWith('\n') ? text : `${text}\n`) as unknown as Parsed<SampleValues>
  return Promise.all([
    run('vmstat', [{ command: counted(commands.vmstat(1)), parse: (text) => whole(createVmstatStream(os))(text) }]),
    run('iostat', [{ command: counted(commands.iostat(1)), parse: (text) => whole(createIostatStream(os))(text) }]),
    run(
      'netstat',
      commands.interfaces.map(({ command, source }) => ({
        command,
        parse: (text: string) => {
          const parsed = parseInterfaces(text, os, source)
          if (!parsed.ok) return parsed as unknown as Parsed<SampleValues>
          return { ok: true, rows: parsed.rows.map((row) => ({ ...row, ...interfaceRates(undefined, row, 0) })) } as unknown as Parsed<SampleValues>
        }
      }))
    ),
    run('process', [{ command: commands.processes(topProcesses).command, parse: (text) => parseProcesses(text, os) as unknown as Parsed<SampleValues> }])
  ])
}
