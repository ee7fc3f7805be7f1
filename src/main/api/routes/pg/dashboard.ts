// Dashboard and Monitoring plugins of postgres-agent-api.md.
import type { FastifyInstance } from 'fastify'
import { AppError } from '../../../../shared/errors'
import { isProbeName } from '../../../collectors/postgres/monitoring'
import type { Queryable } from '../../../collectors/postgres/queryable'
import { instanceIdOf, onInstance, type AgentDeps } from './scope'

export function dashboardRoutes(scope: FastifyInstance, deps: AgentDeps): void {
  const engines = (request: Parameters<typeof instanceIdOf>[0]) => deps.engines.of(instanceIdOf(request))

  scope.get('/dashboard', async (request) => engines(request).collector.current())
  scope.get('/dashboard/history', async (request) => engines(request).collector.history())
  scope.get('/dashboard/config', async (request) => engines(request).collector.config())
  // The spec documents reading the configuration only; Vigil also lets it change (a JSON body
  // with history_length and/or scheduler_interval).
  scope.post('/dashboard/config', async (request) => {
    const collector = engines(request).collector
    await collector.setConfig(request.body)
    deps.audit.record(request.agentUser as string, instanceIdOf(request), `Dashboard configuration: ${JSON.stringify(collector.config())}`)
    return collector.config()
  })
  scope.get('/dashboard/live', async (request) => onInstance(request, deps, (db) => engines(request).reader.dashboard(db)))

  const withDb: Record<string, (reader: ReturnType<typeof engines>['reader'], db: Queryable) => Promise<unknown>> = {
    buffers: (reader, db) => reader.buffers(db),
    hitratio: (reader, db) => reader.hitratio(db),
    active_backends: (reader, db) => reader.activeBackends(db),
    max_connections: (reader, db) => reader.maxConnections(db),
    databases: (reader, db) => reader.databases(db),
    pg_version: (reader, db) => reader.pgVersion(db),
    info: (reader, db) => reader.info(db)
  }
  for (const [name, read] of Object.entries(withDb)) {
    scope.get(`/dashboard/${name}`, async (request) => onInstance(request, deps, (db) => read(engines(request).reader, db)))
  }
  const hostOnly: Record<string, (reader: ReturnType<typeof engines>['reader']) => Promise<unknown>> = {
    cpu: (reader) => reader.cpu(),
    loadaverage: (reader) => reader.loadaverage(),
    memory: (reader) => reader.memory(),
    hostname: (reader) => reader.hostname(),
    os_version: (reader) => reader.osVersion(),
    n_cpu: (reader) => reader.nCpu()
  }
  for (const [name, read] of Object.entries(hostOnly)) {
    scope.get(`/dashboard/${name}`, async (request) => read(engines(request).reader))
  }

  scope.get<{ Params: { probe: string } }>('/monitoring/probe/:probe', async (request) => {
    const name = request.params.probe
    if (!isProbeName(name)) throw new AppError('not_found', `Unknown probe '${name}'`)
    return onInstance(request, deps, (db) => engines(request).probes.run(name, db))
  })
}
