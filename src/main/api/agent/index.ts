import type { AppError, ErrorCode } from '../../../shared/errors'
import { HttpRefusal, STATUS_OF } from '../errors'
import { PermissionDenied } from '../../users'
import type { ApiFace } from '../face'
import { activityRoutes } from './activity'
import { acceptJsonOfAnyType } from './body'
import { coreRoutes } from './core'
import { stringifyWithFloats } from './float-json'
import { dashboardRoutes } from './dashboard'
import { maintenanceRoutes } from './maintenance'
import { pgconfRoutes } from './pgconf'
import { agentPrincipalOf, type AgentDeps } from './scope'

export type { AgentDeps } from './scope'

/**
 * The PostgreSQL agent API answers only 200, 401, 404, 406 (malformed input) and 500 (anything
 * else that went wrong, a refused PostgreSQL privilege included — its message says which); Vigil's
 * own refusals keep their HTTP status: a malformed request or a body that is not JSON (400), a
 * foreign Origin or a Vigil permission the caller lacks (403), a body too large (413), a foreign
 * Host (421), too many logins or requests (429).
 */
const AGENT_STATUS_OF: Partial<Record<ErrorCode, number>> = { validation: 406, unauthorized: 401, not_found: 404 }
const TRANSPORT_ERRORS: readonly ErrorCode[] = ['bad_request', 'too_large', 'unsupported_media_type', 'misdirected', 'too_many_requests']

/**
 * The routes whose section of the spec lists `query key` (the agent's key): notifications, the
 * dashboard, the monitoring probes, maintenance and statements — reads the temboard UI's
 * collector polls without a user's session. Paths after /pg/{instance_id}. Every probe takes
 * it, wal_files too (its section alone leaves the key out, where the agent serves every probe
 * through the same route); POST /dashboard/config, Vigil's own addition, does not.
 */
export function takesAgentKey(method: string, path: string): boolean {
  if (method === 'POST' && path === '/dashboard/config') return false
  return /^\/(notifications|statements|dashboard|monitoring|maintenance)(\/|$)/.test(path)
}

/** postgres-agent-api.md, per registered instance, under /pg/{instance_id}/; errors as {"error": "..."}. */
export function agentFace(deps: AgentDeps): ApiFace {
  return {
    name: 'postgres-agent',
    prefix: '/pg',
    errorStatus: (error: AppError) =>
      error instanceof HttpRefusal || error instanceof PermissionDenied || TRANSPORT_ERRORS.includes(error.code) ? STATUS_OF[error.code] : (AGENT_STATUS_OF[error.code] ?? 500),
    errorBody: (error: AppError) => ({ error: error.message }),
    // Every route acts on an instance's PostgreSQL; login, logout, profile, discover and status say otherwise.
    areas: [['/pg', 'postgres']],
    authenticate(request, reply) {
      request.principal = agentPrincipalOf(request, reply, deps)
    },
    async routes(face) {
      // Bodies are JSON whatever their Content-Type, as the agent reads them (body.ts).
      acceptJsonOfAnyType(face)
      await face.register(
        async (scope) => {
          scope.addHook('onRoute', (options) => {
            // The agent's routes are its own spec, not part of Vigil's OpenAPI document.
            options.schema = { ...options.schema, hide: true }
            const path = options.url.slice(options.url.indexOf('/:instanceId') + '/:instanceId'.length)
            const agentKey = [options.method].flat().some((method) => takesAgentKey(method, path))
            options.config = { ...options.config, agentKey }
          })
          // Floats written as Python writes them (98.0), for the fields each route declares.
          scope.addHook('preSerialization', async (request, reply, payload) => {
            const floats = request.routeOptions.config?.floats
            if (floats && reply.statusCode < 400) reply.serializer((body: unknown) => stringifyWithFloats(body, floats))
            return payload
          })
          coreRoutes(scope, deps)
          activityRoutes(scope, deps)
          pgconfRoutes(scope, deps)
          dashboardRoutes(scope, deps)
          maintenanceRoutes(scope, deps)
        },
        { prefix: '/:instanceId' }
      )
    }
  }
}
