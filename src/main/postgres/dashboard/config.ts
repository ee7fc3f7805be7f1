// The dashboard plugin's configuration (GET /dashboard/config): how often the collector reads
// the data set and how many it keeps for /dashboard/history. Persisted as strings in whatever
// key-value store the caller gives (one per instance).
import { AppError } from '../../../shared/errors'
import type { DashboardConfig } from '../../../shared/pg-agent'

export type { DashboardConfig } from '../../../shared/pg-agent'

/** The agent's defaults. */
export const DEFAULT_DASHBOARD_CONFIG: Readonly<DashboardConfig> = { history_length: 150, scheduler_interval: 2 }

/** Inclusive bounds: a day of 2-second data sets at most, and at least one a hour. */
export const DASHBOARD_CONFIG_LIMITS: Readonly<Record<keyof DashboardConfig, readonly [min: number, max: number]>> = {
  history_length: [1, 43_200],
  scheduler_interval: [1, 3_600]
}

export interface ConfigStore {
  get(key: string): string | null
  set(key: string, value: string): void
}

/** Store keys, namespaced so that the store can be shared with other plugins of the instance. */
export const DASHBOARD_CONFIG_KEYS: Readonly<Record<keyof DashboardConfig, string>> = {
  history_length: 'dashboard.history_length',
  scheduler_interval: 'dashboard.scheduler_interval'
}

const FIELDS = Object.keys(DEFAULT_DASHBOARD_CONFIG) as Array<keyof DashboardConfig>

/** A whole number within the field's bounds, from a JSON number or its decimal text; null otherwise. */
function readValue(field: keyof DashboardConfig, value: unknown): number | null {
  const number = typeof value === 'number' ? value : typeof value === 'string' && /^\s*\d+\s*$/.test(value) ? Number(value) : Number.NaN
  const [min, max] = DASHBOARD_CONFIG_LIMITS[field]
  return Number.isSafeInteger(number) && number >= min && number <= max ? number : null
}

function malformed(field: string, rule: string): AppError {
  return AppError.invalidField(field, `Parameter '${field}' is malformed: ${rule}`)
}

/**
 * Validates a change to the configuration: an object with history_length and/or
 * scheduler_interval, whole numbers within DASHBOARD_CONFIG_LIMITS. Anything else is a
 * 'validation' AppError (406 in the agent API) naming the parameter.
 */
export function parseDashboardConfigChange(input: unknown): Partial<DashboardConfig> {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw AppError.invalidField('', `The dashboard configuration must be a JSON object with ${FIELDS.join(' and/or ')}.`)
  }
  const change: Partial<DashboardConfig> = {}
  for (const [field, value] of Object.entries(input)) {
    if (!(FIELDS as string[]).includes(field)) {
      throw malformed(field, `the dashboard configuration has only ${FIELDS.join(' and ')}.`)
    }
    const key = field as keyof DashboardConfig
    const number = readValue(key, value)
    const [min, max] = DASHBOARD_CONFIG_LIMITS[key]
    if (number === null) throw malformed(field, `it must be a whole number from ${min} to ${max}.`)
    change[key] = number
  }
  return change
}

/** The stored configuration; a missing or unreadable value is the default. */
export function loadDashboardConfig(store: ConfigStore): DashboardConfig {
  const config = { ...DEFAULT_DASHBOARD_CONFIG }
  for (const field of FIELDS) {
    const value = readValue(field, store.get(DASHBOARD_CONFIG_KEYS[field]))
    if (value !== null) config[field] = value
  }
  return config
}

export function saveDashboardConfig(store: ConfigStore, change: Partial<DashboardConfig>): void {
  for (const field of FIELDS) {
    const value = change[field]
    if (value !== undefined) store.set(DASHBOARD_CONFIG_KEYS[field], String(value))
  }
}
