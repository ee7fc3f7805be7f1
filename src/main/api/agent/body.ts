// Request bodies on the agent face, as the agent's real clients send them: the temboard UI posts
// its JSON as application/x-www-form-urlencoded, `curl -d` does the same, and some scripts send
// no Content-Type at all. The agent reads every body as JSON whatever its type, so Vigil does
// too; a body that is not JSON is the agent's 400 {"error": "Invalid json format"}.
import { isUtf8 } from 'node:buffer'
import type { FastifyInstance } from 'fastify'
import { AppError } from '../../../shared/errors'

export const INVALID_JSON = 'Invalid json format'

/** The body as JSON; an empty body (or only whitespace) is no body. */
export function parseAgentBody(bytes: Buffer): unknown {
  // JSON is UTF-8 (RFC 8259): other bytes would be decoded to U+FFFD and stored as something
  // other than what was sent.
  if (!isUtf8(bytes)) throw new AppError('bad_request', INVALID_JSON)
  const text = bytes.toString('utf8').replace(/^\uFEFF/, '')
  if (text.trim() === '') return undefined
  try {
    return JSON.parse(text) as unknown
  } catch {
    throw new AppError('bad_request', INVALID_JSON)
  }
}

/** Replaces the scope's body parsers (inherited: JSON only) with one that reads any type as JSON. */
export function acceptJsonOfAnyType(scope: FastifyInstance): void {
  scope.removeAllContentTypeParsers()
  scope.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => {
    try {
      done(null, parseAgentBody(body as Buffer))
    } catch (error) {
      done(error as Error, undefined)
    }
  })
}
