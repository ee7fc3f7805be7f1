// PgConf and Statements plugins of postgres-agent-api.md.
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { actorOf, instanceIdOf, type AgentDeps } from './scope'

export function pgconfRoutes(scope: FastifyInstance, deps: AgentDeps): void {
  const { service } = deps
  const filterOf = (request: FastifyRequest) => (request.query as { filter?: unknown }).filter
  scope.get('/pgconf/configuration', async (request) => service.configuration(instanceIdOf(request), filterOf(request)))
  scope.get('/pgconf/configuration/categories', async (request) => service.categories(instanceIdOf(request)))
  scope.get('/pgconf/configuration/status', async (request) => service.restartStatus(instanceIdOf(request)))
  // The agent takes the rest of the path: a category name may hold '/' (sent as %2F or as it is).
  scope.get<{ Params: { '*': string } }>('/pgconf/configuration/category/*', async (request) =>
    service.category(instanceIdOf(request), request.params['*'], filterOf(request))
  )
  scope.post('/pgconf/configuration', async (request) => service.updateSettings(instanceIdOf(request), request.body, actorOf(request)))

  scope.get('/statements', async (request) => service.statements(instanceIdOf(request)))
}
