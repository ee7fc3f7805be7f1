import type { FastifyInstance } from 'fastify'
import { activityRoutes } from './activity'
import { coreRoutes } from './core'
import { dashboardRoutes } from './dashboard'
import { maintenanceRoutes } from './maintenance'
import { pgconfRoutes } from './pgconf'
import { agentScope, type AgentDeps } from './scope'

export type { AgentDeps } from './scope'

/** postgres-agent-api.md, per registered instance, under /pg/{instance_id}/. */
export function pgAgentRoutes(app: FastifyInstance, deps: AgentDeps): void {
  agentScope(app, deps, (scope) => {
    coreRoutes(scope, deps)
    activityRoutes(scope, deps)
    pgconfRoutes(scope, deps)
    dashboardRoutes(scope, deps)
    maintenanceRoutes(scope, deps)
  })
}
