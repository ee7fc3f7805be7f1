// Activity and Administration plugins of postgres-agent-api.md.
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { getActivity, getBlockingBackends, getWaitingBackends } from '../../../collectors/postgres/activity'
import { killBackends, parseKillRequest } from '../../../collectors/postgres/activity/kill'
import { administrationControl } from '../../../collectors/postgres/administration'
import { LocalProcReader, ProcfsProcessStats, type ProcessStatsSource } from '../../../collectors/postgres/process-stats'
import { instanceIdOf, onInstance, targetOf, type AgentDeps } from './scope'

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1'])
const localStats = new ProcfsProcessStats(new LocalProcReader())

/**
 * Per-backend CPU, memory and I/O come from /proc of PostgreSQL's host: readable when that is
 * this machine. For other hosts they are null (reading /proc over SSH is not wired yet).
 */
function processStatsFor(request: FastifyRequest, deps: AgentDeps): ProcessStatsSource | null {
  return LOOPBACK.has(targetOf(request, deps).host) ? localStats : null
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
    const answer = await administrationControl(request.body, {
      withSession: (fn) => onInstance(request, deps, (db) => fn(db)),
      // start/stop/restart need a control method and a linked server to run it on: not configurable yet.
      control: null,
      exec: null
    })
    deps.audit.record(request.agentUser as string, instanceIdOf(request), `PostgreSQL ${answer.action}`)
    return answer
  })
}
