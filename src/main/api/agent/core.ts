// Core API of postgres-agent-api.md: login, logout, profile, discover, status, notifications.
import { userInfo } from 'node:os'
import type { FastifyInstance } from 'fastify'
import { AppError } from '../../../shared/errors'
import { agentDate } from '../../audit'
import { USERNAME_PATTERN } from '../../users'
import { actorOf } from '../face'
import { instanceIdOf, instanceOf, type AgentDeps } from './scope'

export { AGENT_PLUGINS } from '../../postgres'

function stringParameter(body: unknown, name: string, pattern?: RegExp): string {
  const value = (body as Record<string, unknown> | null | undefined)?.[name]
  if (typeof value !== 'string' || value.length === 0 || value.length > 1024 || (pattern && !pattern.test(value))) {
    throw new AppError('validation', `Parameter '${name}' is malformed.`)
  }
  return value
}

export function coreRoutes(scope: FastifyInstance, deps: AgentDeps): void {
  // The password is checked before the instance is looked up: a wrong login to an instance that
  // does not exist takes as long, and says the same, as one to an instance that does, so the
  // answer tells nothing of which ids exist. Only a user who logged in learns that.
  scope.post('/login', { config: { area: 'none' } }, async (request, reply) => {
    deps.callers.countLogin(request, reply)
    const instanceId = instanceIdOf(request)
    const username = stringParameter(request.body, 'username', USERNAME_PATTERN)
    const password = stringParameter(request.body, 'password')
    if (!(await deps.users.login(username, password, request.ip))) throw new AppError('not_found', 'Invalid username/password.')
    instanceOf(request, deps)
    deps.audit.record(username, instanceId, 'Login')
    return { session: deps.sessions.open(username) }
  })

  scope.get('/logout', { config: { area: 'any' } }, async (request) => {
    const session = request.headers['x-session']
    if (typeof session === 'string') deps.sessions.close(session)
    deps.audit.record(actorOf(request), instanceIdOf(request), 'Logout')
    return { logout: true }
  })

  scope.get('/profile', { config: { area: 'any' } }, async (request) => {
    instanceOf(request, deps)
    return { username: actorOf(request) }
  })

  scope.get('/notifications', async (request) => deps.service.notifications(instanceIdOf(request)))

  // The agent answers these two without a session (its UI discovers an agent before logging in
  // to it); they tell nothing secret. Host and Origin are still checked, as on every route.
  scope.get('/discover', { config: { area: 'none' } }, async (request) => deps.service.discover(instanceIdOf(request)))

  scope.get('/status', { config: { area: 'none' } }, async (request) => {
    instanceOf(request, deps)
    return {
      start_datetime: agentDate(deps.startedAt),
      version: deps.version,
      user: userInfo().username,
      reload_datetime: agentDate(deps.startedAt),
      pid: process.pid,
      configfile: deps.dataDir
    }
  })
}
