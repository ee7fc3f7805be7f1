// Dashboard and Monitoring plugins of postgres-agent-api.md.
import type { FastifyInstance } from 'fastify'
import { DASHBOARD_DB_PARTS, DASHBOARD_HOST_PARTS } from '../../postgres'
import type { FloatFields } from './float-json'
import { actorOf } from '../face'
import { instanceIdOf, type AgentDeps } from './scope'

/** What the agent computes as floats in a dashboard data set, wherever it appears (a part, the whole, the history). */
export const DASHBOARD_FLOATS: FloatFields = ['hitratio', 'loadaverage', 'time', 'timestamp', 'user', 'system', 'idle', 'iowait', 'steal', 'active', 'cached', 'free']
/** And in the probes' rows: ratios, times, intervals, wal_files' total_size. */
export const PROBE_FLOATS: FloatFields = ['hitmiss_ratio', 'checkpoint_write_time', 'checkpoint_sync_time', 'measure_interval', 'total_size', 'ratio']

export function dashboardRoutes(scope: FastifyInstance, deps: AgentDeps): void {
  const { service } = deps
  const config = { config: { floats: DASHBOARD_FLOATS } }
  scope.get('/dashboard', config, async (request) => service.dashboard(instanceIdOf(request)))
  scope.get('/dashboard/history', config, async (request) => service.dashboardHistory(instanceIdOf(request)))
  scope.get('/dashboard/config', async (request) => service.dashboardConfig(instanceIdOf(request)))
  // The spec documents reading the configuration only; Vigil also lets it change (a JSON body
  // with history_length and/or scheduler_interval).
  scope.post('/dashboard/config', async (request) => service.setDashboardConfig(instanceIdOf(request), request.body, actorOf(request)))
  scope.get('/dashboard/live', config, async (request) => service.dashboardLive(instanceIdOf(request)))
  for (const part of [...DASHBOARD_DB_PARTS, ...DASHBOARD_HOST_PARTS]) {
    scope.get(`/dashboard/${part}`, config, async (request) => service.dashboardPart(instanceIdOf(request), part))
  }

  scope.get<{ Params: { probe: string } }>('/monitoring/probe/:probe', { config: { floats: PROBE_FLOATS } }, async (request) => service.probe(instanceIdOf(request), request.params.probe))
}
