// The body of POST .../vacuum|analyze|reindex: `mode` (VACUUM only) and `datetime`, validated as
// the agent API documents them; a malformed one is refused with the agent's own message, which
// the HTTP layer answers with 406.
import { AppError } from '../../../shared/errors'
import type { MaintenanceOperation, VacuumOptions } from './types'

/** What a POST asks for, once validated. */
export interface OperationRequest {
  /** VACUUM's mode as given, null without one (and always for ANALYZE and REINDEX). */
  mode: string | null
  vacuum: VacuumOptions | null
  /** Epoch milliseconds; null to run now. */
  datetime: number | null
}

const VACUUM_MODE_WORDS = ['full', 'freeze', 'analyze'] as const

/** The agent's format: UTC, to the second, with a Z ("2019-03-22T12:24:39Z"). */
const DATETIME_UTC = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})Z$/

function malformed(field: 'mode' | 'datetime'): AppError {
  return AppError.invalidField(field, `Parameter '${field}' is malformed.`)
}

/**
 * "The mode parameter can be a combination of 'full', 'freeze' or 'analyze'": a comma-separated
 * list of those words, each at most once, lower case, no spaces. Absent or null: a plain VACUUM.
 */
export function parseVacuumMode(value: unknown): VacuumOptions | null {
  if (value === undefined || value === null) return null
  if (typeof value !== 'string') throw malformed('mode')
  const words = value.split(',')
  const known = new Set<string>(VACUUM_MODE_WORDS)
  if (words.some((word) => !known.has(word)) || new Set(words).size !== words.length) throw malformed('mode')
  return { full: words.includes('full'), freeze: words.includes('freeze'), analyze: words.includes('analyze') }
}

/**
 * `datetime` as "YYYY-MM-DDTHH:MM:SSZ", a real calendar date and time of day. Absent or null:
 * now. A time already past is accepted and runs at once, as the agent does.
 */
export function parseDatetime(value: unknown): number | null {
  if (value === undefined || value === null) return null
  if (typeof value !== 'string') throw malformed('datetime')
  const match = DATETIME_UTC.exec(value)
  if (!match) throw malformed('datetime')
  const [year, month, day, hour, minute, second] = match.slice(1).map(Number) as [number, number, number, number, number, number]
  const epoch = Date.UTC(year, month - 1, day, hour, minute, second)
  // Date.UTC rolls 2019-02-30 over into March: a date that does not round-trip does not exist.
  const back = new Date(epoch)
  const exists =
    back.getUTCFullYear() === year &&
    back.getUTCMonth() === month - 1 &&
    back.getUTCDate() === day &&
    back.getUTCHours() === hour &&
    back.getUTCMinutes() === minute &&
    back.getUTCSeconds() === second
  if (!exists) throw malformed('datetime')
  return epoch
}

/** Epoch milliseconds in the agent's `datetime` format (seconds, UTC). */
export function formatDatetime(epochMs: number): string {
  return new Date(epochMs).toISOString().replace(/\.\d{3}Z$/, 'Z')
}

/** Validates a POST body for `operation`; an absent body means "now, plain". */
export function parseOperationRequest(operation: MaintenanceOperation, body: unknown): OperationRequest {
  if (body === undefined || body === null) return { mode: null, vacuum: null, datetime: null }
  if (typeof body !== 'object' || Array.isArray(body)) {
    throw AppError.invalidField('', 'The request body must be a JSON object.')
  }
  const fields = body as Record<string, unknown>
  const datetime = parseDatetime(fields.datetime)
  if (operation !== 'vacuum') return { mode: null, vacuum: null, datetime }
  const vacuum = parseVacuumMode(fields.mode)
  return { mode: vacuum ? (fields.mode as string) : null, vacuum, datetime }
}
