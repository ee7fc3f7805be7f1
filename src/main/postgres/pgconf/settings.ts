// The agent's pgconf plugin: GET /pgconf/configuration (every setting, by category),
// GET /pgconf/configuration/categories, GET /pgconf/configuration/category/{category_name},
// GET /pgconf/configuration/status (settings waiting for a restart), and
// POST /pgconf/configuration (pgconf/update.ts).
//
// Reading needs no privilege beyond a login, but PostgreSQL hides superuser-only settings
// (data_directory, shared_preload_libraries...) from roles without pg_read_all_settings, which
// pg_monitor includes.
//
// Value types as the agent documents them: pending_restart is "t" or "f"; setting, min_val,
// max_val, boot_val and reset_val are JSON numbers for integer and real settings and strings
// otherwise; enumvals is the array's text ("{debug5,debug4,...}") or null; desc joins the short
// and the extra description.
import { AppError } from '../../../shared/errors'
import type { RestartStatus, SettingRow, SettingsCategory } from '../../../shared/pg-agent'
import type { Queryable } from '../queryable'

export { parseSettingsUpdate, type SettingChange } from './update-request'
export { updateSettings, type SettingUpdate, type SettingsUpdateResult, type UpdateOptions } from './update'

export type { RestartStatus, SettingRow, SettingsCategory } from '../../../shared/pg-agent'

/** A category name as the agent accepts it in the path: 1 to 128 characters. */
const CATEGORY_NAME = /^.{1,128}$/u

interface SettingsQueryRow extends Omit<SettingRow, 'max_val' | 'boot_val' | 'reset_val' | 'min_val' | 'setting'> {
  category: string
  max_val: string | null
  boot_val: string | null
  reset_val: string | null
  min_val: string | null
  setting: string | null
}

const SETTINGS_SQL = `SELECT category, context, '{' || array_to_string(enumvals, ',') || '}' AS enumvals, max_val, vartype,
       boot_val, reset_val, unit, concat_ws(' ', short_desc, extra_desc) AS "desc", name, min_val, setting,
       pg_catalog.current_setting(name) AS setting_raw,
       CASE WHEN pending_restart THEN 't' ELSE 'f' END AS pending_restart
  FROM pg_catalog.pg_settings`

const SETTINGS_ORDER = 'ORDER BY category, name'

/**
 * The agent's `filter`: settings whose name or description holds the text, without case ($1 is
 * the LIKE pattern, the text with LIKE's wildcards escaped, or null for every setting).
 */
const FILTER_SQL = `($1::text IS NULL OR name ILIKE $1 OR short_desc ILIKE $1 OR extra_desc ILIKE $1)`

/** A filter as the agent takes it in the query: 1 to 128 characters, no control characters; empty is none. */
const FILTER_TEXT = /^[^\p{Cc}]{1,128}$/u

/** Every setting the role can see, grouped by category (categories and names in order); with a filter, those it finds. */
export async function getConfiguration(db: Queryable, filter: string | null = null): Promise<SettingsCategory[]> {
  const { rows } = await db.query<SettingsQueryRow>(`${SETTINGS_SQL} WHERE ${FILTER_SQL} ${SETTINGS_ORDER}`, [likePattern(filter)])
  return groupByCategory(rows)
}

/** The settings of one category (those the filter finds): a list of one group, or an empty list. */
export async function getCategory(db: Queryable, category: string, filter: string | null = null): Promise<SettingsCategory[]> {
  const { rows } = await db.query<SettingsQueryRow>(`${SETTINGS_SQL} WHERE category = $2 AND ${FILTER_SQL} ${SETTINGS_ORDER}`, [likePattern(filter), category])
  return groupByCategory(rows)
}

/** The `filter` query parameter: null when absent or empty; AppError('validation') → 406 otherwise when malformed. */
export function parseSettingsFilter(raw: unknown): string | null {
  if (raw === undefined || raw === '') return null
  if (typeof raw !== 'string' || !FILTER_TEXT.test(raw)) {
    throw AppError.invalidField('filter', "Parameter 'filter' is malformed: it must be 1 to 128 characters, without control characters.")
  }
  return raw
}

function likePattern(filter: string | null): string | null {
  return filter === null ? null : `%${filter.replace(/[\\%_]/g, (char) => `\\${char}`)}%`
}

export async function getCategories(db: Queryable): Promise<{ categories: string[] }> {
  const { rows } = await db.query<{ category: string }>('SELECT DISTINCT category FROM pg_catalog.pg_settings ORDER BY category')
  return { categories: rows.map((row) => row.category) }
}

/** Settings whose new value waits for a restart (changed in a file, then reloaded). */
export async function getRestartStatus(db: Queryable): Promise<RestartStatus> {
  const { rows } = await db.query<SettingsQueryRow>(`${SETTINGS_SQL} WHERE pending_restart ${SETTINGS_ORDER}`)
  const changes = rows.map(settingRow)
  return { restart_changes: changes, restart_pending: changes.length > 0 }
}

/**
 * The {category_name} path parameter, decoded by the router: names hold '/' and spaces, as in
 * "Client Connection Defaults / Locale and Formatting", and the temboard UI writes the spaces as
 * '+' (form encoding), which the agent reads as spaces: so does Vigil (no category name has a
 * '+'). AppError('validation') → 406.
 */
export function parseCategoryName(raw: unknown): string {
  if (typeof raw !== 'string' || !CATEGORY_NAME.test(raw)) throw AppError.invalidField('category_name', "Parameter 'category_name' is malformed.")
  return raw.replaceAll('+', ' ')
}

function groupByCategory(rows: readonly SettingsQueryRow[]): SettingsCategory[] {
  const groups: SettingsCategory[] = []
  for (const row of rows) {
    let group = groups[groups.length - 1]
    if (group?.category !== row.category) {
      group = { category: row.category, rows: [] }
      groups.push(group)
    }
    group.rows.push(settingRow(row))
  }
  return groups
}

function settingRow(row: SettingsQueryRow): SettingRow {
  const numeric = row.vartype === 'integer' || row.vartype === 'real'
  const value = (text: string | null): string | number | null => (numeric && text !== null ? Number(text) : text)
  return {
    context: row.context,
    enumvals: row.enumvals,
    max_val: value(row.max_val),
    vartype: row.vartype,
    boot_val: value(row.boot_val),
    reset_val: value(row.reset_val),
    unit: row.unit,
    desc: row.desc,
    name: row.name,
    min_val: value(row.min_val),
    setting: value(row.setting),
    setting_raw: row.setting_raw,
    pending_restart: row.pending_restart
  }
}
