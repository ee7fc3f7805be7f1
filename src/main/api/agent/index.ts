import type { AppError, ErrorCode } from '../../../shared/errors'
import { HttpRefusal, STATUS_OF } from '../errors'
import type { ApiFace } from '../face'
import { activityRoutes } from './activity'
import { coreRoutes } from './core'
import { dashboardRoutes } from './dashboard'
import { maintenanceRoutes } from './maintenance'
import { pgconfRoutes } from './pgconf'
import { agentUserOf, type AgentDeps } from './scope'

export type { AgentDeps } from './scope'

/**
 * The PostgreSQL agent API answers only 200, 401, 404, 406 (malformed input) and 500 (anything
 * else that went wrong, a refused privilege included — its message says which); the transport's
 * own refusals keep their HTTP status: a malformed request (400), a foreign Origin (403), a body
 * too large (413) or of another media type (415), a foreign Host (421), too many logins (429).
 */
const AGENT_STATUS_OF: Partial<Record<ErrorCode, number>> = { validation: 406, unauthorized: 401, not_found: 404 }
const TRANSPORT_ERRORS: readonly ErrorCode[] = ['bad_request', 'too_large', 'unsupported_media_type', 'misdirected', 'too_many_requests']

/** postgres-agent-api.md, per registered instance, under /pg/{instance_id}/; errors as {"error": "..."}. */
export function agentFace(deps: AgentDeps): ApiFace {
  return {
    name: 'postgres-agent',
    prefix: '/pg',
    errorStatus: (error: AppError) =>
      error instanceof HttpRefusal || TRANSPORT_ERRORS.includes(error.code) ? STATUS_OF[error.code] : (AGENT_STATUS_OF[error.code] ?? 500),
    errorBody: (error: AppError) => ({ error: error.message }),
    authenticate(request) {
      if (request.routeOptions.config?.agentPublic) return
      request.agentUser = agentUserOf(request, deps)
    },
    async routes(face) {
      await face.register(
        async (scope) => {
          // The agent's routes are its own spec, not part of Vigil's OpenAPI document.
          scope.addHook('onRoute', (options) => {
            options.schema = { ...options.schema, hide: true }
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
