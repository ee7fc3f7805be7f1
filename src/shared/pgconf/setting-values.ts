// Whether PostgreSQL would take a value for a setting, judged from the setting's pg_settings row
// (vartype, unit, min_val, max_val, enumvals, context). The update checks every change with this
// before ALTER SYSTEM writes anything, so a batch with one bad value changes nothing; the UI's
// configuration editor checks with it too, before sending (src/shared: pure, runs anywhere). PostgreSQL
// still has the last word: a string setting's own check (a time zone name, a tablespace) is
// only known to the server.
import { isNameListSetting, splitNameList } from './guc-lists'
import { parseGucInteger, parseGucReal, parseSettingUnit, type Parsed } from './guc-numbers'
import type { SettingType } from '../pg-agent'

export type { SettingType } from '../pg-agent'

/** The pg_settings columns a value is checked against. */
export interface SettingDefinition {
  name: string
  vartype: SettingType
  unit: string | null
  min_val: string | null
  max_val: string | null
  enumvals: string[] | null
  context: string
}

/**
 * Why PostgreSQL would refuse `value` for the setting, as a clause for a message ("it must be an
 * integer"), or null when it would take it.
 */
export function settingValueProblem(setting: SettingDefinition, value: string): string | null {
  if (setting.context === 'internal') return 'the setting is read-only (context internal: fixed when PostgreSQL was built or the cluster initialised)'
  switch (setting.vartype) {
    case 'bool':
      return parseGucBool(value) === null ? 'it must be a boolean: on, off, true, false, yes, no, 1 or 0' : null
    case 'integer':
      return rangeProblem(parseGucInteger(value, parseSettingUnit(setting.unit)), setting)
    case 'real':
      return rangeProblem(parseGucReal(value, parseSettingUnit(setting.unit)), setting)
    case 'enum':
      return enumProblem(value, setting.enumvals ?? [])
    case 'string':
      return isNameListSetting(setting.name) ? nameListProblem(value) : null
  }
}

/**
 * Whether `value` is what the setting holds now (`current`: pg_settings.setting, in the
 * setting's base unit), as PostgreSQL would read it: '4MB' is work_mem's 4096 (kB), 'true' is
 * 'on', 'Warning' is 'warning'. A string is compared as it is (a list of names, name by name).
 * An unreadable value is never the same.
 */
export function sameSettingValue(setting: SettingDefinition, current: string | null, value: string): boolean {
  if (current === null) return false
  switch (setting.vartype) {
    case 'bool':
      return parseGucBool(value) === (current === 'on')
    case 'integer':
    case 'real': {
      const unit = parseSettingUnit(setting.unit)
      const parsed = setting.vartype === 'integer' ? parseGucInteger(value, unit) : parseGucReal(value, unit)
      return parsed.ok && parsed.value === Number(current)
    }
    case 'enum':
      return value.toLowerCase() === current.toLowerCase()
    case 'string': {
      if (value === current) return true
      const [given, held] = isNameListSetting(setting.name) ? [splitNameList(value), splitNameList(current)] : [null, null]
      return given !== null && held !== null && JSON.stringify(given) === JSON.stringify(held)
    }
  }
}

/**
 * parse_bool: on, off, true, false, yes, no, 1, 0, case-insensitive, and any unambiguous prefix
 * of true, false, yes, no (t, fa, y...) or of off ('of'); no surrounding white space.
 */
export function parseGucBool(value: string): boolean | null {
  const lower = value.toLowerCase()
  if (lower === '') return null
  if (lower === '1' || lower === 'on') return true
  if (lower === '0' || lower === 'of' || lower === 'off') return false
  if ('true'.startsWith(lower) || 'yes'.startsWith(lower)) return true
  if ('false'.startsWith(lower) || 'no'.startsWith(lower)) return false
  return null
}

function rangeProblem(parsed: Parsed, setting: SettingDefinition): string | null {
  if (!parsed.ok) return parsed.problem
  const min = setting.min_val === null ? null : Number(setting.min_val)
  const max = setting.max_val === null ? null : Number(setting.max_val)
  if (min !== null && parsed.value < min) return `it is ${quantity(parsed.value, setting.unit)}, below the minimum of ${quantity(min, setting.unit)}`
  if (max !== null && parsed.value > max) return `it is ${quantity(parsed.value, setting.unit)}, above the maximum of ${quantity(max, setting.unit)}`
  return null
}

/** 32 kB, 500 ms, 16 × 8kB (a block-sized unit), or the bare number. */
function quantity(value: number, unit: string | null): string {
  if (!unit) return String(value)
  return /^[0-9]/.test(unit) ? `${value} × ${unit}` : `${value} ${unit}`
}

/** config_enum_lookup_by_name compares without case. */
function enumProblem(value: string, enumvals: string[]): string | null {
  const lower = value.toLowerCase()
  if (enumvals.some((option) => option.toLowerCase() === lower)) return null
  return `it must be one of ${enumvals.join(', ')}`
}

function nameListProblem(value: string): string | null {
  const names = splitNameList(value)
  if (names === null) return 'it must be a comma-separated list of names (double-quote a name that has a comma, a space or a quote)'
  // Before PostgreSQL 19 ALTER SYSTEM has no way to write an empty list: '' becomes the one name
  // "", which shared_preload_libraries would then fail to load at the next start.
  if (names.length === 0) return 'it must list at least one name: ALTER SYSTEM cannot write an empty list (it would write one empty name)'
  if (names.includes('')) return 'the list must not contain an empty name'
  return null
}
