// `vigil metrics tail SERVER [METRIC]`: the primary API's live rows, from its WebSocket
// (/ws/metrics/{metric}/{server_id}/, or /ws/metrics/{server_id}/ for all four metrics), printed
// as they come until Ctrl-C, or until --count messages for a script.
import type { ClientRequest, IncomingMessage } from 'node:http'
import { isMetricName, METRICS } from '../../../shared/metrics'
import { httpError } from '../api-client'
import { commandContext, integerOption, type ClientContext } from '../context'
import { CliError, EXIT, usageError } from '../exit-codes'
import { findServer } from '../lookup'

export const METRICS_HELP = `  vigil metrics tail SERVER [${METRICS.join('|')}] [--count N]
      Live rows of a server (id or name) as they are collected, until Ctrl-C or N messages.
      --json prints each message as one line of JSON (the WebSocket's own).`

interface LiveRow {
  metric: string
  server_id: string
  timestamp: string
  values: Record<string, unknown>
  id: number
}

export async function metricsCommand(args: string[]): Promise<number> {
  const ctx = commandContext(args, { count: { type: 'string', short: 'n' } }, 'vigil metrics')
  if (ctx.values.help) return (ctx.out(`Usage:\n${METRICS_HELP}`), EXIT.ok)
  const [action, server, metric, ...rest] = ctx.positionals
  if (action !== 'tail') throw usageError(action === undefined ? 'vigil metrics needs tail' : `unknown action 'vigil metrics ${action}'`)
  if (server === undefined || rest.length) throw usageError('vigil metrics tail takes a server (id or name) and, optionally, a metric')
  if (metric !== undefined && !isMetricName(metric)) throw usageError(`unknown metric '${metric}': one of ${METRICS.join(', ')}`)
  const count = integerOption(ctx.values, 'count', 1, Number.MAX_SAFE_INTEGER)
  const { id } = await findServer(ctx.api, server)
  return tail(ctx, metric === undefined ? `/ws/metrics/${id}/` : `/ws/metrics/${metric}/${id}/`, count)
}

function tail(ctx: ClientContext, path: string, count: number | undefined): Promise<number> {
  return new Promise((resolveTail, reject) => {
    const socket = ctx.api.webSocket(path)
    let received = 0
    let stopping = false
    const stop = (): void => {
      stopping = true
      socket.close(1000)
    }
    process.once('SIGINT', stop)
    const finish = (outcome: number | CliError): void => {
      process.off('SIGINT', stop)
      if (typeof outcome === 'number') resolveTail(outcome)
      else reject(outcome)
    }
    // A refused upgrade (401, 403, 404) carries the face's error body, as any request's.
    socket.on('unexpected-response', (request: ClientRequest, response: IncomingMessage) => {
      let text = ''
      response.setEncoding('utf8')
      response.on('data', (chunk: string) => (text += chunk))
      response.on('end', () => {
        request.destroy()
        finish(httpError({ status: response.statusCode ?? 0, headers: response.headers, text }))
      })
      socket.removeAllListeners('close')
    })
    socket.on('error', (error: NodeJS.ErrnoException) => {
      if (!stopping) finish(ctx.api.unreachable(error))
    })
    socket.on('message', (data) => {
      if (stopping) return
      const text = data.toString()
      ctx.out(ctx.json ? text : rowLine(text))
      if (count !== undefined && ++received >= count) stop()
    })
    socket.on('close', (code, reason) => {
      // Ctrl-C and --count end it here; anything else is the server's doing (1008: too slow, shutting down).
      if (stopping) finish(EXIT.ok)
      else finish(new CliError(EXIT.serverError, `the server closed the stream (${code}${reason.length ? `: ${reason.toString()}` : ''})`))
    })
  })
}

/** `2026-12-02T16:45:01Z  vmstat  r=1 b=0 us=3 …`: one row a line, its fields in the API's order. */
export function rowLine(text: string): string {
  let row: LiveRow | null = null
  try {
    row = JSON.parse(text) as LiveRow
  } catch {
    // handled below
  }
  // Not a row (a newer server's message?): shown as it came rather than ending the tail.
  if (!row || typeof row.values !== 'object' || row.values === null) return text
  const fields = Object.entries(row.values).map(([name, value]) => `${name}=${value === null ? '-' : typeof value === 'object' ? JSON.stringify(value) : String(value)}`)
  return `${row.timestamp}  ${row.metric}  ${fields.join(' ')}`
}
