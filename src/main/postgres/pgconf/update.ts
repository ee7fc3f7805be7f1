// POST /pgconf/configuration: ALTER SYSTEM for each requested setting, then pg_reload_conf().
//
// As the agent's clients use it: the temboard UI's configuration page posts every setting of a
// category back, changed or not, so a setting already at the value asked for is left alone (not
// written, not listed in the answer) unless the item says `"force": "true"`; "" resets a setting
// (ALTER SYSTEM RESET: back to the configuration files' value, or the default).
//
// Each change is checked against pg_settings first (known name, writable, a value of the right
// type, in range, one of the enum's values) and against the role's privileges: ALTER SYSTEM on
// the setting (superuser before PostgreSQL 15; from 15, superuser or GRANT ALTER SYSTEM ON
// PARAMETER). An item that fails — there, or because PostgreSQL refuses the value (a string
// setting's own check, such as an unknown time zone) — is reported and the others are still
// written: the answer lists what was written and, under `errors`, what was not and why. When
// nothing could be written the request fails with every item's reason. Nothing is written when
// the role may not reload the configuration (pg_reload_conf()): the changes would not apply.
//
// ALTER SYSTEM cannot run inside a transaction block and takes no bind parameters: the name is
// quoted as an identifier and each value as a literal. The update must run on one session (a
// pg.Client or a PoolClient, not a Pool): it waits on that session's view of the reload.
import { setTimeout as delay } from 'node:timers/promises'
import { escapeIdentifier, escapeLiteral } from 'pg'
import { AppError } from '../../../shared/errors'
import type { SettingFailure, SettingsUpdateResult } from '../../../shared/pg-agent'
import type { ValidationIssue } from '../../../shared/issues'
import { forVersion, type Queryable } from '../queryable'
import { isNameListSetting, splitNameList } from '../../../shared/pgconf/guc-lists'
import { sameSettingValue, settingValueProblem, type SettingDefinition } from '../../../shared/pgconf/setting-values'
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
  /** pg_settings.setting: the value now, in the setting's base unit. */
  current_value: string | null
  /** Where the value comes from (pg_settings.source, sourcefile: null for a role that may not see it), and whether a new one waits for a restart. */
  source: string
  sourcefile: string | null
  pending_restart: boolean
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
  /** "" resets the setting. */
  setting: string
}

/** An item that will not be written, and why: an issue of the request, or a privilege the role lacks. */
interface ItemFailure {
  index: number
  name: string
  setting: string
  issue: ValidationIssue
  forbidden: boolean
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
  return `SELECT name, pg_catalog.current_setting(name) AS previous_setting, setting AS current_value, source, sourcefile, pending_restart,
       unit, vartype, min_val, max_val, enumvals, context,
       ${alterSystemPrivilegeSql(serverVersionNum)} AS may_alter_system
  FROM pg_catalog.pg_settings
 WHERE lower(name) = ANY($1::text[])`
}

/**
 * ALTER SYSTEM SET for one change, or ALTER SYSTEM RESET for ""; a list of names becomes one
 * literal per name (see guc-lists.ts).
 */
export function alterSystemSql(name: string, setting: string): string {
  if (setting === '') return `ALTER SYSTEM RESET ${escapeIdentifier(name)}`
  const names = isNameListSetting(name) ? splitNameList(setting) : null
  const values = names ? names.map(escapeLiteral).join(', ') : escapeLiteral(setting)
  return `ALTER SYSTEM SET ${escapeIdentifier(name)} = ${values}`
}

/**
 * Applies the changes that are needed and reloads the configuration; answers as the agent does,
 * with `errors` for the items that could not be set. Throws AppError('validation') — or
 * 'forbidden' when every reason is a missing privilege — when nothing could be written, and
 * 'forbidden' before writing anything when the role may not reload the configuration.
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
  const { planned, failures } = planChanges(changes, new Map(rows.map((row) => [row.name.toLowerCase(), row])))
  const facts = planned.length > 0 ? await sessionFacts(db) : null
  if (facts) failures.push(...privilegeFailures(planned, facts, serverVersionNum))
  const failed = new Set(failures.map((failure) => failure.index))
  const writable = planned.filter((change) => !failed.has(change.index))
  // Nothing is written that a reload would not apply.
  if (facts && !facts.may_reload && (writable.length > 0 || failures.some((failure) => failure.forbidden))) {
    const reasons = [...failures.filter((failure) => failure.forbidden).map((failure) => lowerFirst(failure.issue.message)), reloadDenied(facts.role)]
    throw new AppError('forbidden', `Nothing was changed: ${reasons.join('; ')}`, { extra: { reason: 'insufficient_privilege', sqlstate: null } })
  }

  const written = facts ? await writeChanges(db, writable, failures, facts.role, serverVersionNum) : []
  if (written.length === 0) {
    if (failures.length > 0) throw nothingChanged(failures)
    return { settings: [] }
  }
  await db.query('SELECT pg_catalog.pg_reload_conf()')
  const reloaded = await waitForReload(db, (facts as SessionFacts).loaded_at, options.reloadTimeoutMs ?? DEFAULT_RELOAD_TIMEOUT_MS)
  const pending = reloaded ? await pendingRestarts(db, written.map((change) => change.definition.name.toLowerCase())) : null

  const answer: SettingsUpdateResult = {
    settings: written.map(({ definition, setting }) => ({
      setting,
      // Without a confirmed reload the setting's context is the best answer.
      restart: pending?.get(definition.name) ?? definition.context === 'postmaster',
      name: definition.name,
      previous_setting: definition.previous_setting
    }))
  }
  if (failures.length > 0) answer.errors = failures.sort((a, b) => a.index - b.index).map(failureOf)
  return answer
}

type IndexedChange = PlannedChange & { index: number }

/** The changes to write, and the items that cannot be (unknown, invalid); unchanged ones are neither. */
function planChanges(changes: readonly SettingChange[], known: Map<string, SettingLookup>): { planned: IndexedChange[]; failures: ItemFailure[] } {
  const planned: IndexedChange[] = []
  const failures: ItemFailure[] = []
  changes.forEach((change, index) => {
    const definition = known.get(change.name.toLowerCase())
    if (!definition) {
      const message = `Unknown setting '${change.name}': there is no such parameter in pg_settings`
      const issue: ValidationIssue = { field: `settings[${index}].name`, kind: 'invalid', message, rule: 'Must be a setting listed in pg_settings.' }
      failures.push({ index, name: change.name, setting: change.setting, issue, forbidden: false })
      return
    }
    // An enum value as the temboard UI offers it from enumvals may come double-quoted ("read committed").
    const setting = definition.vartype === 'enum' ? change.setting.replace(/^"(.+)"$/, '$1') : change.setting
    // Unchanged: the value it has now, unless a change waits for a restart (then it may be the way to cancel it).
    const unchanged = setting === '' ? alreadyReset(definition) : !definition.pending_restart && sameSettingValue(definition, definition.current_value, setting)
    if (unchanged && !change.force) return
    const problem = setting === '' ? resetProblem(definition) : settingValueProblem(definition, setting)
    if (problem) {
      const message = `Invalid value '${setting}' for setting '${definition.name}': ${problem}`
      const issue: ValidationIssue = { field: `settings[${index}].setting`, kind: 'invalid', message, rule: `${problem.charAt(0).toUpperCase()}${problem.slice(1)}.` }
      failures.push({ index, name: definition.name, setting, issue, forbidden: false })
      return
    }
    planned.push({ definition, setting, index })
  })
  return { planned, failures }
}

/**
 * Whether postgresql.auto.conf certainly has nothing for the setting: its value is the default,
 * or comes from another file, and no change waits for a restart. When the role may not see the
 * source file, a reset is written (it changes nothing if there was nothing to reset).
 */
function alreadyReset(definition: SettingLookup): boolean {
  if (definition.pending_restart) return false
  if (definition.source === 'default') return true
  return definition.source === 'configuration file' && definition.sourcefile !== null && !definition.sourcefile.endsWith('postgresql.auto.conf')
}

/** A reset writes nothing PostgreSQL could refuse, but a read-only setting cannot be reset either. */
function resetProblem(definition: SettingLookup): string | null {
  return definition.context === 'internal' ? 'the setting is read-only (context internal: fixed when PostgreSQL was built or the cluster initialised)' : null
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

/** The planned changes the role may not make. */
function privilegeFailures(planned: readonly IndexedChange[], facts: SessionFacts, serverVersionNum: number): ItemFailure[] {
  return planned
    .filter((change) => !change.definition.may_alter_system)
    .map(({ definition, setting, index }) => {
      const message = capitalise(alterSystemDenied([definition.name], facts.role, serverVersionNum))
      return { index, name: definition.name, setting, issue: { field: `settings[${index}].name`, kind: 'invalid', message, rule: `${message}.` }, forbidden: true }
    })
}

function reloadDenied(role: string): string {
  return (
    `role '${role}' may not reload the configuration: pg_reload_conf() needs superuser or ` +
    `GRANT EXECUTE ON FUNCTION pg_catalog.pg_reload_conf() TO ${escapeIdentifier(role)}`
  )
}

/** The request's failure when no item could be written: every reason, in the order of the items. */
function nothingChanged(failures: readonly ItemFailure[]): AppError {
  const sorted = [...failures].sort((a, b) => a.index - b.index)
  if (sorted.every((failure) => failure.forbidden)) {
    return new AppError('forbidden', `Nothing was changed: ${sorted.map((failure) => lowerFirst(failure.issue.message)).join('; ')}`, {
      extra: { reason: 'insufficient_privilege', sqlstate: null }
    })
  }
  const issues = sorted.map((failure) => failure.issue)
  return new AppError('validation', `${issues.map((issue) => issue.message).join('; ')} (nothing was changed)`, { field: issues[0]?.field, issues })
}

function failureOf(failure: ItemFailure): SettingFailure {
  return { name: failure.name, setting: failure.setting, error: failure.issue.message }
}

/** Why the role may not ALTER SYSTEM these settings, and the grant that would allow it. */
export function alterSystemDenied(names: readonly string[], role: string, serverVersionNum: number): string {
  const which = names.map((name) => `'${name}'`).join(', ')
  if (serverVersionNum < 150000) return `role '${role}' may not change ${which}: before PostgreSQL 15, ALTER SYSTEM needs a superuser`
  return `role '${role}' may not change ${which}: ALTER SYSTEM needs superuser or GRANT ALTER SYSTEM ON PARAMETER ${names.join(', ')} TO ${escapeIdentifier(role)}`
}

/**
 * Writes each change; one PostgreSQL refuses becomes a failure of its item and the others go on.
 * A failure that is not the server's answer to the statement (a lost connection) ends the batch.
 */
async function writeChanges(
  db: Queryable,
  planned: readonly IndexedChange[],
  failures: ItemFailure[],
  role: string,
  serverVersionNum: number
): Promise<IndexedChange[]> {
  const written: IndexedChange[] = []
  for (const change of planned) {
    try {
      await db.query(alterSystemSql(change.definition.name, change.setting))
      written.push(change)
    } catch (error) {
      failures.push(alterSystemFailure(error, change, role, serverVersionNum))
    }
  }
  return written
}

/** What PostgreSQL said about one ALTER SYSTEM, as the failure of its item. */
function alterSystemFailure(error: unknown, change: IndexedChange, role: string, serverVersionNum: number): ItemFailure {
  const { code, message } = error as { code?: unknown; message?: unknown }
  // Not the server's answer to this statement (a lost connection...): the caller maps it.
  if (typeof code !== 'string' || !/^[0-9A-Z]{5}$/.test(code) || code.startsWith('08') || code.startsWith('57')) throw error
  const { definition, setting, index } = change
  const forbidden = code === '42501'
  const text = forbidden
    ? capitalise(alterSystemDenied([definition.name], role, serverVersionNum))
    : `PostgreSQL refused ${setting === '' ? 'to reset' : `'${setting}' for`} setting '${definition.name}': ${String(message)}`
  return { index, name: definition.name, setting, forbidden, issue: { field: `settings[${index}].setting`, kind: 'invalid', message: text, rule: `${text}.` } }
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

function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1)
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1)
}
