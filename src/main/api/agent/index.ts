import type { AppError, ErrorCode } from '../../../shared/errors'
import { STATUS_OF } from '../errors'
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
 * own refusals (body too large, media type, Host) keep their HTTP status.
 */
const AGENT_STATUS_OF: Partial<Record<ErrorCode, number>> = { validation: 406, unauthorized: 401, not_found: 404 }
const TRANSPORT_ERRORS: readonly ErrorCode[] = ['too_large', 'unsupported_media_type', 'misdirected']

/** postgres-agent-api.md, per registered instance, under /pg/{instance_id}/; errors as {"error": "..."}. */
export function agentFace(deps: AgentDeps): ApiFace {
  return {
    name: 'postgres-agent',
    prefix: '/pg',
    errorStatus: (error: AppError) => (TRANSPORT_ERRORS.includes(error.code) ? STATUS_OF[error.code] : (AGENT_STATUS_OF[error.code] ?? 500)),
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
