// The PostgreSQL agent API (postgres-agent-api.md) per registered instance, under
// /pg/{instance_id}/. Its own rules, as the agent has them: a session from /login sent back in
// X-Session (Vigil's API token is accepted too, as a bearer), or the instance's agent key
// (`?key=` or X-TemBoard-Agent-Key) on the routes whose section of the spec lists it; errors as
// {"error": "..."} with 400 / 401 / 404 / 406 / 500 (see index.ts). Host and Origin checks still
// apply to every route, those that need no credential (login, discover, status) included.
import type { FastifyReply, FastifyRequest } from 'fastify'
import { AppError } from '../../../shared/errors'
import type { FloatFields } from './float-json'
import { agentKeyPrincipal, type AgentSessions, type Principal, type UsersService } from '../../users'
import type { Callers } from '../callers'
import type { AuditTrail } from '../../audit'
import type { PgAgentService, PostgresInstancesService } from '../../postgres'

/** The header the temboard UI sends the agent key in (scripts may use `?key=` instead). */
export const AGENT_KEY_HEADER = 'x-temboard-agent-key'

/**
 * What the agent routes need: authentication (sessions, the token), the registry, and the
 * service that performs every operation (PgAgentService). The routes parse the URL, call the
 * service as the request's user, and shape the answer (e.g. a Warning header).
 */
export interface AgentDeps {
  callers: Callers
  users: UsersService
  sessions: AgentSessions
  /** Login and logout are recorded here; every other action by the service. */
  audit: AuditTrail
  instances: PostgresInstancesService
  service: PgAgentService
  version: string
  startedAt: number
  dataDir: string
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** An agent route that also takes the instance's agent key (set by index.ts from the spec's list). */
    agentKey?: boolean
    /** The fields of the answer the agent writes as floats (see float-json.ts). */
    floats?: FloatFields
  }
}

const SESSION_ID = /^[0-9a-f]{64}$/

/**
 * Who the request acts for: the user of its X-Session; a bearer token as on every face (the
 * owner's, or a user's `vgl_` token); the instance's agent key, on a route that takes it. The
 * first credential present decides, in that order (the temboard UI sends its key header next to
 * the session on every call). Without any, the agent's own answer: 406, X-Session is malformed.
 */
export function agentPrincipalOf(request: FastifyRequest, reply: FastifyReply, deps: AgentDeps): Principal {
  const session = request.headers['x-session']
  if (session !== undefined) {
    if (typeof session !== 'string' || !SESSION_ID.test(session)) throw new AppError('validation', "Parameter 'X-Session' is malformed.")
    const username = deps.sessions.resolve(session)
    if (!username) throw new AppError('unauthorized', 'Invalid session.')
    return deps.callers.ofUser(username)
  }
  if (request.headers.authorization !== undefined) {
    const bearer = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.authorization)?.[1]
    if (!bearer) throw new AppError('unauthorized', 'Invalid session.')
    return deps.callers.ofToken(bearer, reply)
  }
  const key = request.routeOptions.config?.agentKey ? agentKeyOf(request) : undefined
  if (key !== undefined) {
    const instanceId = /^\d{1,12}$/.test((request.params as { instanceId?: string }).instanceId ?? '') ? instanceIdOf(request) : 0
    if (deps.instances.agentKeyMatches(instanceId, key)) return agentKeyPrincipal()
    throw new AppError('unauthorized', 'Invalid key.')
  }
  throw new AppError('validation', "Parameter 'X-Session' is malformed.")
}

/** The agent key of a request: the X-TemBoard-Agent-Key header, else `?key=`. */
function agentKeyOf(request: FastifyRequest): string | undefined {
  const header = request.headers[AGENT_KEY_HEADER]
  if (typeof header === 'string') return header.trim()
  // Repeated headers or parameters are refused rather than guessed at.
  if (header !== undefined) return ''
  const query = (request.query as Record<string, unknown> | undefined)?.key
  return typeof query === 'string' ? query : query === undefined ? undefined : ''
}

export function instanceIdOf(request: FastifyRequest): number {
  const text = (request.params as { instanceId?: string }).instanceId ?? ''
  if (!/^\d{1,12}$/.test(text)) throw new AppError('not_found', `PostgreSQL instance with ID '${text}' not found`)
  return Number(text)
}

/** 404 unless the request's instance is registered. */
export function instanceOf(request: FastifyRequest, deps: AgentDeps): number {
  const instanceId = instanceIdOf(request)
  deps.instances.get(instanceId)
  return instanceId
}
