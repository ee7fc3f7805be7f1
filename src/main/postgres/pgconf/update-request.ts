// The body of POST /pgconf/configuration: {"settings": [{"name": "...", "setting": "..."}, ...]}.
// Its shape is checked here; whether each value suits its setting is checked against
// pg_settings by the update itself (update.ts).
import { AppError } from '../../../shared/errors'
import type { SettingChange } from '../../../shared/pg-agent'
import type { ValidationIssue } from '../../../shared/issues'

export type { SettingChange } from '../../../shared/pg-agent'

/**
 * The changes a request body asks for, or AppError('validation') (the agent answers 406, "setting
 * item is malformed") naming every item at fault. A JSON number is taken as its decimal text, as
 * scripts often send 8 rather than "8"; "" asks for a reset. `force` is the agent's string
 * ("true"/"false", as its UI sends it) or a boolean.
 */
export function parseSettingsUpdate(body: unknown): SettingChange[] {
  if (!isRecord(body) || !Array.isArray(body.settings)) {
    throw AppError.invalidField('settings', "Parameter 'settings' is malformed: the body must be {\"settings\": [{\"name\": ..., \"setting\": ...}]}")
  }
  const changes: SettingChange[] = []
  const issues: ValidationIssue[] = []
  const seen = new Set<string>()
  body.settings.forEach((item: unknown, index) => {
    const field = `settings[${index}]`
    const problem = itemProblem(item)
    if (problem) {
      issues.push({ field, kind: 'invalid', message: `Setting item ${index} is malformed: ${problem}`, rule: `${capitalise(problem)}.` })
      return
    }
    const { name, setting, force } = item as { name: string; setting: string | number; force?: unknown }
    // PostgreSQL folds setting names to lower case; the same setting twice would hide which value won.
    const key = name.toLowerCase()
    if (seen.has(key)) {
      issues.push({ field, kind: 'invalid', message: `Setting item ${index} is malformed: '${name}' appears more than once`, rule: 'Each setting may appear once.' })
      return
    }
    seen.add(key)
    const change: SettingChange = { name, setting: typeof setting === 'number' ? String(setting) : setting }
    if (force === true || force === 'true') change.force = true
    changes.push(change)
  })
  if (issues.length > 0) throw new AppError('validation', issues.map((issue) => issue.message).join('; '), { field: issues[0]?.field, issues })
  return changes
}

function itemProblem(item: unknown): string | null {
  if (!isRecord(item)) return 'it must be an object with "name" and "setting"'
  const { name, setting } = item
  if (typeof name !== 'string' || name.trim() === '') return '"name" must be a non-empty string'
  if (typeof setting === 'number') {
    if (!Number.isFinite(setting)) return '"setting" must be a string or a finite number'
  } else if (typeof setting !== 'string') {
    return '"setting" must be a string'
  }
  const { force } = item
  if (force !== undefined && force !== null && force !== true && force !== false && force !== 'true' && force !== 'false') {
    return '"force" must be "true" or "false"'
  }
  // The protocol cannot carry a NUL inside a query, and no setting can hold one.
  if (name.includes('\0') || String(setting).includes('\0')) return 'a NUL character cannot be part of a setting'
  return null
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1)
}
