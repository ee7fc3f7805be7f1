// The PostgreSQL agent API (postgres-agent-api.md) per registered instance, under
// /pg/{instance_id}/. Its own rules, as the agent has them: a session from /login sent back in
// X-Session (Vigil's API token is accepted too, as a bearer), and errors as {"error": "..."}
// with 401 / 404 / 406 / 500 (see index.ts). Host and Origin checks still apply.
import type { FastifyRequest } from 'fastify'
import { AppError } from '../../../shared/errors'
import type { Authenticator } from '../../base/security/browser-auth'
import type { AgentSessions, UsersService } from '../../users'
import type { AuditTrail } from '../../audit'
import type { PgAgentService, PostgresInstancesService } from '../../postgres'

/** Who acts when the API token, not an agent session, authenticated the request. */
export const TOKEN_USER = 'api-token'

/**
 * What the agent routes need: authentication (sessions, the token), the registry, and the
 * service that performs every operation (PgAgentService). The routes parse the URL, call the
 * service as the request's user, and shape the answer (e.g. a Warning header).
 */
export interface AgentDeps {
  auth: Authenticator
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
    /** An agent route reachable without X-Session (only /login). */
    agentPublic?: boolean
  }
  interface FastifyRequest {
    /** The user an agent route acts for, once authenticated. */
    agentUser?: string
  }
}

const SESSION_ID = /^[0-9a-f]{64}$/

/** Who the request acts for: the user of its X-Session, or TOKEN_USER for Vigil's API token. */
export function agentUserOf(request: FastifyRequest, deps: AgentDeps): string {
  const session = request.headers['x-session']
  if (session !== undefined) {
    if (typeof session !== 'string' || !SESSION_ID.test(session)) throw new AppError('validation', "Parameter 'X-Session' is malformed.")
    const username = deps.sessions.resolve(session)
    if (!username) throw new AppError('unauthorized', 'Invalid session.')
    return username
  }
  const bearer = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.authorization ?? '')?.[1]
  if (bearer && deps.auth.tokenIsValid(bearer)) return TOKEN_USER
  throw new AppError('unauthorized', 'Invalid session.')
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

/** The user the request acts for (set by the scope's authentication). */
export function actorOf(request: FastifyRequest): string {
  return request.agentUser as string
}
