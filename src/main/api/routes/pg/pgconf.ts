// PgConf and Statements plugins of postgres-agent-api.md.
import type { FastifyInstance } from 'fastify'
import {
  getCategories,
  getCategory,
  getConfiguration,
  getRestartStatus,
  parseCategoryName,
  parseSettingsUpdate,
  updateSettings
} from '../../../collectors/postgres/pgconf'
import { getStatements } from '../../../collectors/postgres/statements'
import { instanceIdOf, onInstance, type AgentDeps } from './scope'

export function pgconfRoutes(scope: FastifyInstance, deps: AgentDeps): void {
  scope.get('/pgconf/configuration', async (request) => onInstance(request, deps, (db) => getConfiguration(db)))
  scope.get('/pgconf/configuration/categories', async (request) => onInstance(request, deps, (db) => getCategories(db)))
  scope.get('/pgconf/configuration/status', async (request) => onInstance(request, deps, (db) => getRestartStatus(db)))
  scope.get<{ Params: { category: string } }>('/pgconf/configuration/category/:category', async (request) => {
    const category = parseCategoryName(request.params.category)
    return onInstance(request, deps, (db) => getCategory(db, category))
  })

  scope.post('/pgconf/configuration', async (request) => {
    const changes = parseSettingsUpdate(request.body)
    const answer = await onInstance(request, deps, async (db) => {
      const { rows } = await db.query<{ version: number }>("SELECT current_setting('server_version_num')::int AS version")
      return updateSettings(db, rows[0]?.version ?? 0, changes)
    })
    for (const setting of answer.settings) {
      const restart = setting.restart ? ' (restart pending)' : ''
      deps.audit.record(request.agentUser as string, instanceIdOf(request), `ALTER SYSTEM SET ${setting.name} = '${setting.setting}' (was '${setting.previous_setting}')${restart}`)
    }
    return answer
  })

  scope.get('/statements', async (request) => onInstance(request, deps, (db) => getStatements(db)))
}
