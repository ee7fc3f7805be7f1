// PgConf and Statements plugins of postgres-agent-api.md.
import type { FastifyInstance } from 'fastify'
import { actorOf, instanceIdOf, type AgentDeps } from './scope'
import { statementsJson } from './statements-json'

export function pgconfRoutes(scope: FastifyInstance, deps: AgentDeps): void {
  const { service } = deps
  scope.get('/pgconf/configuration', async (request) => service.configuration(instanceIdOf(request)))
  scope.get('/pgconf/configuration/categories', async (request) => service.categories(instanceIdOf(request)))
  scope.get('/pgconf/configuration/status', async (request) => service.restartStatus(instanceIdOf(request)))
  scope.get<{ Params: { category: string } }>('/pgconf/configuration/category/:category', async (request) =>
    service.category(instanceIdOf(request), request.params.category)
  )
  scope.post('/pgconf/configuration', async (request) => service.updateSettings(instanceIdOf(request), request.body, actorOf(request)))

  // queryid goes out as a JSON number with every digit (see statements-json.ts).
  scope.get('/statements', async (request, reply) =>
    reply.type('application/json; charset=utf-8').send(statementsJson(await service.statements(instanceIdOf(request))))
  )
}
