// PgConf and Statements plugins of postgres-agent-api.md.
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { actorOf } from '../face'
import { instanceIdOf, type AgentDeps } from './scope'
import { statementsJson } from './statements-json'

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

  // queryid goes out as a JSON number with every digit (see statements-json.ts).
  scope.get('/statements', async (request, reply) =>
    reply.type('application/json; charset=utf-8').send(statementsJson(await service.statements(instanceIdOf(request))))
  )
}
