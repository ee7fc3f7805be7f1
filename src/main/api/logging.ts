import type { FastifyRequest } from 'fastify'
import { createRedactor, redactUrl } from '../base/security/redact'

/** Where log lines go: Vigil's log file in the data directory. */
export interface LogSink {
  write(line: string): void
}

export interface LogOptions {
  /** `--log`: every request at info, echoed to stdout. Without it, warnings and errors only. */
  requests: boolean
  /** The log file; null logs nowhere but stdout (and only with `requests`). */
  file: LogSink | null
  /** Values scrubbed from every line wherever they appear (the API token). */
  secrets: readonly string[]
}

/**
 * Fastify's logger (pino) options: errors always reach the log file, requests too with `--log`;
 * each line is scrubbed of credentials before it is written anywhere.
 */
export function loggerOptions(options: LogOptions) {
  if (!options.file && !options.requests) return false
  const redact = createRedactor(options.secrets)
  const file = options.file
  const stdout = options.requests
  return {
    level: options.requests ? 'info' : 'warn',
    serializers: {
      req: (request: FastifyRequest) => ({
        method: request.method,
        url: redactUrl(request.url),
        host: request.host,
        remoteAddress: request.ip,
        remotePort: request.socket?.remotePort
      })
    },
    stream: {
      write(line: string) {
        const clean = redact(line)
        file?.write(clean)
        if (stdout) process.stdout.write(clean)
      }
    }
  }
}
