// Activity and Administration plugins of postgres-agent-api.md.
import type { FastifyInstance } from 'fastify'
import { actorOf, instanceIdOf, type AgentDeps } from './scope'

export function activityRoutes(scope: FastifyInstance, deps: AgentDeps): void {
  const { service } = deps
  scope.get('/activity', async (request) => service.activity(instanceIdOf(request)))
  scope.get('/activity/waiting', async (request) => service.waiting(instanceIdOf(request)))
  scope.get('/activity/blocking', async (request) => service.blocking(instanceIdOf(request)))
  scope.post('/activity/kill', async (request) => service.kill(instanceIdOf(request), request.body, actorOf(request)))
  scope.post('/administration/control', async (request) => service.control(instanceIdOf(request), request.body, actorOf(request)))
}
