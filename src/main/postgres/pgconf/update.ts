// POST /pgconf/configuration: ALTER SYSTEM for each requested setting, then pg_reload_conf().
//
// Nothing is written until every change has been checked against pg_settings (known name,
// writable, a value of the right type, in range, one of the enum's values) and the role is known
// to hold the privileges: ALTER SYSTEM on each setting (superuser before PostgreSQL 15; from 15,
// superuser or GRANT ALTER SYSTEM ON PARAMETER) and EXECUTE on pg_reload_conf(). A value
// PostgreSQL still refuses (a string setting's own check, such as an unknown time zone) stops the
// batch there, and the message names what was already written.
//
// ALTER SYSTEM cannot run inside a transaction block and takes no bind parameters: the name is
// quoted as an identifier and each value as a literal. The update must run on one session (a
// pg.Client or a PoolClient, not a Pool): it waits on that session's view of the reload.
import { setTimeout as delay } from 'node:timers/promises'
import { escapeIdentifier, escapeLiteral } from 'pg'
import { AppError } from '../../../shared/errors'
import type { SettingsUpdateResult } from '../../../shared/pg-agent'
import type { ValidationIssue } from '../../../shared/issues'
import { forVersion, type Queryable } from '../queryable'
import { isNameListSetting, splitNameList } from '../../../shared/pgconf/guc-lists'
import { settingValueProblem, type SettingDefinition } from '../../../shared/pgconf/setting-values'
import type { SettingChange } from './update-request'

export type { SettingsUpdateResult, SettingUpdate } from '../../../shared/pg-agent'

export interface UpdateOptions {
  /** How long to wait for the session to see the reloaded configuration. */
  reloadTimeoutMs?: number
}

const DEFAULT_RELOAD_TIMEOUT_MS = 5_000
const RELOAD_POLL_MS = 10

interface SettingLookup extends SettingDefinition {
  previous_setting: string
  may_alter_system: boolean
}

interface SessionFacts {
  role: string
  may_reload: boolean
  /** pg_conf_load_time() as text, so its microseconds survive the round trip. */
  loaded_at: string
}

interface PlannedChange {
  definition: SettingLookup
  setting: string
}

/** Whether the session's role may ALTER SYSTEM a setting (the `name` column of pg_settings). */
export function alterSystemPrivilegeSql(serverVersionNum: number): string {
  return forVersion(serverVersionNum, [
    // Before 15, ALTER SYSTEM is for superusers only.
    [130000, "current_setting('is_superuser') = 'on'"],
    // 15 added GRANT ALTER SYSTEM ON PARAMETER; has_parameter_privilege is true for superusers.
    [150000, "pg_catalog.has_parameter_privilege(name, 'ALTER SYSTEM')"]
  ])
}

/**
 * The pg_settings rows of the requested names ($1, lower case: PostgreSQL ignores the case of
 * setting names, and pg_settings spells a few in mixed case, such as TimeZone).
 */
export function settingsLookupSql(serverVersionNum: number): string {
  return `SELECT name, pg_catalog.current_setting(name) AS previous_setting, unit, vartype, min_val, max_val, enumvals, context,
       ${alterSystemPrivilegeSql(serverVersionNum)} AS may_alter_system
  FROM pg_catalog.pg_settings
 WHERE lower(name) = ANY($1::text[])`
}

/** ALTER SYSTEM SET for one change; a list of names becomes one literal per name (see guc-lists.ts). */
export function alterSystemSql(name: string, setting: string): string {
  const names = isNameListSetting(name) ? splitNameList(setting) : null
  const values = names ? names.map(escapeLiteral).join(', ') : escapeLiteral(setting)
  return `ALTER SYSTEM SET ${escapeIdentifier(name)} = ${values}`
}

/**
 * Applies the changes and reloads the configuration; answers as the agent does. Throws
 * AppError('validation') before writing anything when a change is not acceptable, and
 * AppError('forbidden') when the role lacks a privilege it needs.
 */
export async function updateSettings(
  db: Queryable,
  serverVersionNum: number,
  changes: readonly SettingChange[],
  options: UpdateOptions = {}
): Promise<SettingsUpdateResult> {
  if (changes.length === 0) return { settings: [] }
  const names = changes.map((change) => change.name.toLowerCase())
  const { rows } = await db.query<SettingLookup>(settingsLookupSql(serverVersionNum), [names])
  const planned = checkChanges(changes, new Map(rows.map((row) => [row.name.toLowerCase(), row])))

  const facts = await sessionFacts(db)
  refuseWithoutPrivileges(planned, facts, serverVersionNum)

  await writeChanges(db, planned, facts.role, serverVersionNum)
  await db.query('SELECT pg_catalog.pg_reload_conf()')
  const reloaded = await waitForReload(db, facts.loaded_at, options.reloadTimeoutMs ?? DEFAULT_RELOAD_TIMEOUT_MS)
  const pending = reloaded ? await pendingRestarts(db, names) : null

  return {
    settings: planned.map(({ definition, setting }) => ({
      setting,
      // Without a confirmed reload the setting's context is the best answer.
      restart: pending?.get(definition.name) ?? definition.context === 'postmaster',
      name: definition.name,
      previous_setting: definition.previous_setting
    }))
  }
}

function checkChanges(changes: readonly SettingChange[], known: Map<string, SettingLookup>): PlannedChange[] {
  const planned: PlannedChange[] = []
  const issues: ValidationIssue[] = []
  changes.forEach((change, index) => {
    const field = `settings[${index}].setting`
    const definition = known.get(change.name.toLowerCase())
    if (!definition) {
      const message = `Unknown setting '${change.name}': there is no such parameter in pg_settings`
      issues.push({ field: `settings[${index}].name`, kind: 'invalid', message, rule: 'Must be a setting listed in pg_settings.' })
      return
    }
    const problem = settingValueProblem(definition, change.setting)
    if (problem) {
      const message = `Invalid value '${change.setting}' for setting '${definition.name}': ${problem}`
      issues.push({ field, kind: 'invalid', message, rule: `${problem.charAt(0).toUpperCase()}${problem.slice(1)}.` })
      return
    }
    planned.push({ definition, setting: change.setting })
  })
  if (issues.length > 0) throw new AppError('validation', issues.map((issue) => issue.message).join('; '), { field: issues[0]?.field, issues })
  return planned
}

async function sessionFacts(db: Queryable): Promise<SessionFacts> {
  const { rows } = await db.query<SessionFacts>(
    `SELECT current_user AS role,
            pg_catalog.has_function_privilege('pg_catalog.pg_reload_conf()', 'EXECUTE') AS may_reload,
            pg_catalog.pg_conf_load_time()::text AS loaded_at`
  )
  const facts = rows[0]
  if (!facts) throw new AppError('internal', 'PostgreSQL returned no row for the session check')
  return facts
}

function refuseWithoutPrivileges(planned: readonly PlannedChange[], facts: SessionFacts, serverVersionNum: number): void {
  const denied = planned.filter((change) => !change.definition.may_alter_system).map((change) => change.definition.name)
  const reasons: string[] = []
  if (denied.length > 0) reasons.push(alterSystemDenied(denied, facts.role, serverVersionNum))
  if (!facts.may_reload) {
    reasons.push(
      `role '${facts.role}' may not reload the configuration: pg_reload_conf() needs superuser or ` +
        `GRANT EXECUTE ON FUNCTION pg_catalog.pg_reload_conf() TO ${escapeIdentifier(facts.role)}`
    )
  }
  if (reasons.length > 0) {
    throw new AppError('forbidden', `Nothing was changed: ${reasons.join('; ')}`, { extra: { reason: 'insufficient_privilege', sqlstate: null } })
  }
}

/** Why the role may not ALTER SYSTEM these settings, and the grant that would allow it. */
export function alterSystemDenied(names: readonly string[], role: string, serverVersionNum: number): string {
  const which = names.map((name) => `'${name}'`).join(', ')
  if (serverVersionNum < 150000) return `role '${role}' may not change ${which}: before PostgreSQL 15, ALTER SYSTEM needs a superuser`
  return `role '${role}' may not change ${which}: ALTER SYSTEM needs superuser or GRANT ALTER SYSTEM ON PARAMETER ${names.join(', ')} TO ${escapeIdentifier(role)}`
}

async function writeChanges(db: Queryable, planned: readonly PlannedChange[], role: string, serverVersionNum: number): Promise<void> {
  const written: string[] = []
  for (const { definition, setting } of planned) {
    try {
      await db.query(alterSystemSql(definition.name, setting))
    } catch (error) {
      throw alterSystemFailure(error, definition.name, setting, written, role, serverVersionNum)
    }
    written.push(definition.name)
  }
}

/** What PostgreSQL said about one ALTER SYSTEM, with what the batch had already written. */
function alterSystemFailure(error: unknown, name: string, setting: string, written: readonly string[], role: string, serverVersionNum: number): unknown {
  const { code, message } = error as { code?: unknown; message?: unknown }
  // Not the server's answer to this statement (a lost connection...): the caller maps it.
  if (typeof code !== 'string' || !/^[0-9A-Z]{5}$/.test(code) || code.startsWith('08') || code.startsWith('57')) return error
  const already =
    written.length > 0 ? ` (already written to postgresql.auto.conf, not yet reloaded: ${written.map((n) => `'${n}'`).join(', ')})` : ' (nothing was changed)'
  if (code === '42501') {
    return new AppError('forbidden', `${capitalise(alterSystemDenied([name], role, serverVersionNum))}${already}`, {
      extra: { reason: 'insufficient_privilege', sqlstate: code }
    })
  }
  return new AppError('validation', `PostgreSQL refused '${setting}' for setting '${name}': ${String(message)}${already}`, {
    field: 'settings',
    extra: { sqlstate: code }
  })
}

/**
 * pg_reload_conf() only signals the postmaster, which re-reads the files and then signals every
 * session; a session applies it before its next statement. The session's pg_conf_load_time()
 * moves when it has: nothing else announces it, so it is polled, briefly.
 */
async function waitForReload(db: Queryable, loadedBefore: string, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const { rows } = await db.query<{ reloaded: boolean }>('SELECT pg_catalog.pg_conf_load_time() > $1::timestamptz AS reloaded', [loadedBefore])
    if (rows[0]?.reloaded) return true
    if (Date.now() >= deadline) return false
    await delay(RELOAD_POLL_MS)
  }
}

async function pendingRestarts(db: Queryable, names: readonly string[]): Promise<Map<string, boolean>> {
  const { rows } = await db.query<{ name: string; pending_restart: boolean }>(
    'SELECT name, pending_restart FROM pg_catalog.pg_settings WHERE lower(name) = ANY($1::text[])',
    [names]
  )
  return new Map(rows.map((row) => [row.name, row.pending_restart]))
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1)
}
