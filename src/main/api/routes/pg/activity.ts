// Activity and Administration plugins of postgres-agent-api.md.
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { getActivity, getBlockingBackends, getWaitingBackends } from '../../../collectors/postgres/activity'
import { killBackends, parseKillRequest } from '../../../collectors/postgres/activity/kill'
import { administrationControl, type ShellExec } from '../../../collectors/postgres/administration'
import type { ProcessStatsSource } from '../../../collectors/postgres/process-stats'
import { instanceIdOf, onInstance, type AgentDeps } from './scope'

/**
 * Per-backend CPU, memory and I/O come from /proc of PostgreSQL's host: the linked server's (over
 * SSH, one command per snapshot), or this machine's for the built-in server or an unlinked
 * instance on loopback. For other hosts they are null.
 */
function processStatsFor(request: FastifyRequest, deps: AgentDeps): ProcessStatsSource | null {
  return deps.hosts.hostOf(deps.instances.get(instanceIdOf(request)))?.processStats ?? null
}

export function activityRoutes(scope: FastifyInstance, deps: AgentDeps): void {
  scope.get('/activity', async (request) => onInstance(request, deps, (db) => getActivity(db, processStatsFor(request, deps))))
  scope.get('/activity/waiting', async (request) => onInstance(request, deps, (db) => getWaitingBackends(db, processStatsFor(request, deps))))
  scope.get('/activity/blocking', async (request) => onInstance(request, deps, (db) => getBlockingBackends(db, processStatsFor(request, deps))))

  scope.post('/activity/kill', async (request) => {
    const pids = parseKillRequest(request.body)
    const answer = await onInstance(request, deps, (db) => killBackends(db, pids))
    const killed = answer.backends.filter((backend) => backend.killed).map((backend) => backend.pid)
    if (killed.length > 0) deps.audit.record(request.agentUser as string, instanceIdOf(request), `Backend ${killed.join(', ')} terminated`)
    return answer
  })

  scope.post('/administration/control', async (request) => {
    const instanceId = instanceIdOf(request)
    const instance = deps.instances.get(instanceId)
    // start/stop/restart run the instance's control command on its linked server.
    const onServer = deps.hosts.controlExec(instance.server_id)
    let ran = false
    const exec: ShellExec | null =
      onServer &&
      ((command) => {
        ran = true
        return onServer(command)
      })
    try {
      const answer = await administrationControl(request.body, {
        withSession: (fn) => onInstance(request, deps, (db) => fn(db)),
        control: instance.control,
        exec
      })
      deps.audit.record(request.agentUser as string, instanceId, `PostgreSQL ${answer.action}`)
      return answer
    } finally {
      // Pooled sessions of a server that stopped (or was about to) are dead: new ones are opened
      // on the next request. A start leaves no session behind, and a failed command may have
      // stopped the server halfway: closing is harmless either way.
      if (ran && (request.body as { action?: unknown }).action !== 'start') await deps.pools.close(instanceId)
    }
  })
}
