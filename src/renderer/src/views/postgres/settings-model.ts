// The configuration editor's rules: a pg_settings row as the shared value checker reads it, its
// choices and range in words, and search. The checker is the one the core runs before ALTER
// SYSTEM (src/shared/pgconf/setting-values.ts), so the form refuses what the core would.
import type { SettingRow, SettingsCategory } from '../../../../shared/pg-agent'
import { settingValueProblem, type SettingDefinition } from '../../../../shared/pgconf/setting-values'

/** enumvals as PostgreSQL writes the array ("{debug5,debug4}", quoted elements unquoted). */
export function enumChoices(row: Pick<SettingRow, 'enumvals'>): string[] {
  if (!row.enumvals) return []
  const inner = row.enumvals.replace(/^\{/, '').replace(/\}$/, '')
  if (inner === '') return []
  return inner.split(',').map((value) => value.replace(/^"(.*)"$/, '$1'))
}

export function definitionOf(row: SettingRow): SettingDefinition {
  return {
    name: row.name,
    vartype: row.vartype,
    unit: row.unit,
    min_val: row.min_val === null ? null : String(row.min_val),
    max_val: row.max_val === null ? null : String(row.max_val),
    enumvals: row.vartype === 'enum' ? enumChoices(row) : null,
    context: row.context
  }
}

/** Why PostgreSQL would refuse `value` for the setting ("it must be an integer"), or null. */
export function valueProblem(row: SettingRow, value: string): string | null {
  return settingValueProblem(definitionOf(row), value)
}

/** Settings PostgreSQL fixes at build or initdb time: shown, never edited. */
export function isReadOnly(row: Pick<SettingRow, 'context'>): boolean {
  return row.context === 'internal'
}

/** A change to this setting takes a restart to apply. */
export function needsRestart(row: Pick<SettingRow, 'context'>): boolean {
  return row.context === 'postmaster'
}

/** "64 kB … 2097151 kB", "8kB units: 16 … 1073741823" or the enum's choices. */
export function rangeText(row: SettingRow): string {
  if (row.vartype === 'enum') return enumChoices(row).join(' · ')
  if (row.vartype === 'bool') return 'on · off'
  if (row.min_val === null && row.max_val === null) return ''
  const unit = row.unit ? (/^\d/.test(row.unit) ? ` × ${row.unit}` : ` ${row.unit}`) : ''
  return `${row.min_val ?? '−∞'} … ${row.max_val ?? '∞'}${unit}`
}

/** Every setting matching the search (name or description), by category; an empty search keeps all. */
export function searchSettings(categories: readonly SettingsCategory[], search: string): SettingsCategory[] {
  const needle = search.trim().toLowerCase()
  if (!needle) return categories as SettingsCategory[]
  return categories
    .map((category) => ({ category: category.category, rows: category.rows.filter((row) => row.name.toLowerCase().includes(needle) || row.desc.toLowerCase().includes(needle)) }))
    .filter((category) => category.rows.length > 0)
}
