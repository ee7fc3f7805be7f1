// Dashboard and Monitoring plugins of postgres-agent-api.md.
import type { FastifyInstance } from 'fastify'
import { DASHBOARD_DB_PARTS, DASHBOARD_HOST_PARTS } from '../../postgres'
import { actorOf, instanceIdOf, type AgentDeps } from './scope'

export function dashboardRoutes(scope: FastifyInstance, deps: AgentDeps): void {
  const { service } = deps
  scope.get('/dashboard', async (request) => service.dashboard(instanceIdOf(request)))
  scope.get('/dashboard/history', async (request) => service.dashboardHistory(instanceIdOf(request)))
  scope.get('/dashboard/config', async (request) => service.dashboardConfig(instanceIdOf(request)))
  // The spec documents reading the configuration only; Vigil also lets it change (a JSON body
  // with history_length and/or scheduler_interval).
  scope.post('/dashboard/config', async (request) => service.setDashboardConfig(instanceIdOf(request), request.body, actorOf(request)))
  scope.get('/dashboard/live', async (request) => service.dashboardLive(instanceIdOf(request)))
  for (const part of [...DASHBOARD_DB_PARTS, ...DASHBOARD_HOST_PARTS]) {
    scope.get(`/dashboard/${part}`, async (request) => service.dashboardPart(instanceIdOf(request), part))
  }

  scope.get<{ Params: { probe: string } }>('/monitoring/probe/:probe', async (request) => service.probe(instanceIdOf(request), request.params.probe))
}
