// Activity and Administration plugins of postgres-agent-api.md.
import type { FastifyInstance } from 'fastify'
import { actorOf } from '../face'
import { instanceIdOf, type AgentDeps } from './scope'

export function activityRoutes(scope: FastifyInstance, deps: AgentDeps): void {
  const { service } = deps
  // %CPU and %memory are floats (0.0, 0.13), and so is a lock wait's duration (/activity's is text).
  const config = { config: { floats: ['cpu', 'memory', 'duration'] } }
  scope.get('/activity', config, async (request) => service.activity(instanceIdOf(request)))
  scope.get('/activity/waiting', config, async (request) => service.waiting(instanceIdOf(request)))
  scope.get('/activity/blocking', config, async (request) => service.blocking(instanceIdOf(request)))
  scope.post('/activity/kill', async (request) => service.kill(instanceIdOf(request), request.body, actorOf(request)))
  scope.post('/administration/control', async (request) => service.control(instanceIdOf(request), request.body, actorOf(request)))
}
