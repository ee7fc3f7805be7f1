// Core API of postgres-agent-api.md: login, logout, profile, discover, status, notifications.
import { userInfo } from 'node:os'
import type { FastifyInstance } from 'fastify'
import { AppError } from '../../../../shared/errors'
import { agentDate } from '../../../services/audit'
import { USERNAME_PATTERN } from '../../../services/users'
import { instanceIdOf, onInstance, targetOf, type AgentDeps } from './scope'

/** The agent's plugin names Vigil serves for every instance. */
export const AGENT_PLUGINS = ['activity', 'administration', 'dashboard', 'maintenance', 'monitoring', 'pgconf', 'statements'] as const

function stringParameter(body: unknown, name: string, pattern?: RegExp): string {
  const value = (body as Record<string, unknown> | null | undefined)?.[name]
  if (typeof value !== 'string' || value.length === 0 || value.length > 1024 || (pattern && !pattern.test(value))) {
    throw new AppError('validation', `Parameter '${name}' is malformed.`)
  }
  return value
}

export function coreRoutes(scope: FastifyInstance, deps: AgentDeps): void {
  scope.post('/login', { config: { agentPublic: true } }, async (request) => {
    const instanceId = instanceIdOf(request)
    targetOf(request, deps)
    const username = stringParameter(request.body, 'username', USERNAME_PATTERN)
    const password = stringParameter(request.body, 'password')
    if (!(await deps.users.authenticate(username, password))) throw new AppError('not_found', 'Invalid username/password.')
    deps.audit.record(username, instanceId, 'Login')
    return { session: deps.sessions.open(username) }
  })

  scope.get('/logout', async (request) => {
    const session = request.headers['x-session']
    if (typeof session === 'string') deps.sessions.close(session)
    deps.audit.record(request.agentUser as string, instanceIdOf(request), 'Logout')
    return { logout: true }
  })

  scope.get('/profile', async (request) => {
    targetOf(request, deps)
    return { username: request.agentUser }
  })

  scope.get('/notifications', async (request) => {
    targetOf(request, deps)
    return deps.audit.forInstance(instanceIdOf(request))
  })

  scope.get('/discover', async (request) => {
    const reader = deps.engines.of(instanceIdOf(request)).reader
    const [row, host] = await Promise.all([
      onInstance(request, deps, async (db) => {
        const { rows } = await db.query<{ version: string; data_directory: string; port: string }>(
          "SELECT version(), current_setting('data_directory') AS data_directory, current_setting('port') AS port"
        )
        return rows[0] as { version: string; data_directory: string; port: string }
      }),
      // The host's facts come from its linked server (or this machine); null when Vigil cannot read it.
      Promise.all([reader.hostname(), reader.memory(), reader.nCpu()]).catch(() => null)
    ])
    const target = targetOf(request, deps)
    return {
      hostname: host?.[0].hostname ?? target.host,
      pg_data: row.data_directory,
      pg_port: Number(row.port),
      plugins: [...AGENT_PLUGINS],
      // The agent gives bytes; /proc/meminfo gives kB.
      memory_size: host?.[1].memory ? host[1].memory.total * 1024 : null,
      pg_version: row.version,
      cpu: host?.[2].n_cpu ?? null
    }
  })

  scope.get('/status', async (request) => {
    targetOf(request, deps)
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

