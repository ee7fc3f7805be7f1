// `vigil query` and `vigil query-range`: PromQL over everything Vigil stores, through the
// Prometheus face (/prometheus/api/v1/query and query_range, sysmon-prometheus-api.md).
import { commandContext, stringOption, type ClientContext } from '../context'
import { EXIT, usageError } from '../exit-codes'
import { formatTable, type Column } from '../tables'

export const QUERY_HELP = `  vigil query 'PROMQL' [--time T]
  vigil query-range 'PROMQL' --start T --end T --step STEP
      T is RFC 3339, Unix seconds, now, or now-DURATION (now-1h, now-15m);
      STEP a duration (15s, 1m) or seconds. --json prints the answer's data as Prometheus gives it.`

type Labels = Record<string, string>
type Sample = [number, string]
type QueryData =
  | { resultType: 'vector'; result: { metric: Labels; value: Sample }[] }
  | { resultType: 'matrix'; result: { metric: Labels; values: Sample[] }[] }
  | { resultType: 'scalar' | 'string'; result: Sample }

export async function queryCommand(args: string[], range: boolean): Promise<number> {
  const help = range ? 'vigil query-range' : 'vigil query'
  const ctx = commandContext(args, range ? { start: { type: 'string' }, end: { type: 'string' }, step: { type: 'string' } } : { time: { type: 'string' } }, help)
  if (ctx.values.help) return (ctx.out(`Usage:\n${QUERY_HELP}`), EXIT.ok)
  const [query, ...rest] = ctx.positionals
  if (query === undefined || rest.length) throw usageError(`${help} takes one PromQL expression (quote it)`)
  const now = Date.now()
  const time = (name: string): string | undefined => {
    const text = stringOption(ctx.values, name)
    return text === undefined ? undefined : resolveTime(text, now)
  }
  let params: Record<string, string | undefined>
  if (range) {
    params = { query, start: time('start'), end: time('end'), step: stringOption(ctx.values, 'step') }
    const missing = ['start', 'end', 'step'].filter((name) => params[name] === undefined)
    if (missing.length) throw usageError(`vigil query-range needs ${missing.map((name) => `--${name}`).join(', ')}`)
  } else {
    params = { query, time: time('time') }
  }
  const answer = await ctx.api.request<{ data: QueryData; warnings?: string[] }>('GET', `/prometheus/api/v1/${range ? 'query_range' : 'query'}`, { query: params })
  for (const warning of answer.warnings ?? []) process.stderr.write(`vigil: warning: ${warning}\n`)
  if (ctx.json) ctx.printJson(answer.data)
  else printResult(ctx, answer.data)
  return EXIT.ok
}

const UNITS: Record<string, number> = { ms: 0.001, s: 1, m: 60, h: 3600, d: 86400, w: 604800, y: 31536000 }

/** `now`, `now-1h` and `-1h` as Unix seconds (from one `now` for the whole command); anything else is the server's to read. */
export function resolveTime(text: string, nowMs: number): string {
  const relative = /^(?:now)?(?:-(\d+(?:\.\d+)?)(ms|s|m|h|d|w|y))?$/.exec(text.trim())
  if (!relative || text.trim() === '') return text
  const [, amount, unit] = relative
  const back = amount === undefined ? 0 : Number(amount) * (UNITS[unit as string] as number)
  return String(nowMs / 1000 - back)
}

function printResult(ctx: ClientContext, data: QueryData): void {
  switch (data.resultType) {
    case 'scalar':
    case 'string':
      ctx.out(`${data.result[1]}  (${isoTime(data.result[0])})`)
      return
    case 'vector':
      ctx.out(
        formatTable(
          [
            { header: 'SERIES', value: (row: (typeof data.result)[number]) => seriesName(row.metric) },
            { header: 'VALUE', value: (row) => row.value[1], align: 'right' },
            { header: 'TIME', value: (row) => isoTime(row.value[0]) }
          ],
          data.result
        )
      )
      return
    case 'matrix':
      // One block per series: its name, then its samples (oldest first), indented under it.
      ctx.out(
        data.result
          .map((series) => `${seriesName(series.metric)}\n${indent(formatTable(SAMPLE_COLUMNS, series.values))}`)
          .join('\n')
      )
  }
}

const SAMPLE_COLUMNS: Column<Sample>[] = [
  { header: 'TIME', value: (sample) => isoTime(sample[0]) },
  { header: 'VALUE', value: (sample) => sample[1], align: 'right' }
]

function indent(text: string): string {
  return text.replace(/^(?=.)/gm, '  ')
}

/** `name{label="value", …}`, as Prometheus prints a series. */
function seriesName(metric: Labels): string {
  const { __name__: name = '', ...labels } = metric
  const pairs = Object.entries(labels).map(([label, value]) => `${label}=${JSON.stringify(value)}`)
  return pairs.length || !name ? `${name}{${pairs.join(', ')}}` : name
}

function isoTime(seconds: number): string {
  return new Date(seconds * 1000).toISOString()
}
