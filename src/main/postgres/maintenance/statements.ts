// VACUUM, ANALYZE and REINDEX statements. Every name comes from the URL, so every name is
// quoted: "Order Lines" stays one mixed-case identifier and `x"; DROP TABLE y; --` stays a name.
// Utility statements take no bind parameters, hence quoting rather than $1.
import { escapeIdentifier } from 'pg'
import { AppError } from '../../../shared/errors'
import type { MaintenanceOperation, MaintenanceTarget, VacuumOptions } from './types'

/**
 * A name as a quoted SQL identifier. PostgreSQL text cannot hold a NUL character, so no object
 * can have such a name: refuse it rather than send it.
 */
export function quoteIdentifier(name: string): string {
  if (name.length === 0 || name.includes('\0')) throw new AppError('validation', `Invalid object name ${JSON.stringify(name)}`)
  return escapeIdentifier(name)
}

function qualified(schema: string, name: string): string {
  return `${quoteIdentifier(schema)}.${quoteIdentifier(name)}`
}

export type TargetLevel = 'database' | 'table' | 'index'

/** Which of the documented targets this is; anything else is a programming error of the caller. */
export function targetLevel(operation: MaintenanceOperation, target: MaintenanceTarget): TargetLevel {
  const { schema, table, index } = target
  if (schema === null && table === null && index === null) return 'database'
  if (schema !== null && table !== null && index === null) return 'table'
  if (schema !== null && table === null && index !== null && operation === 'reindex') return 'index'
  throw new AppError('internal', `No ${operation.toUpperCase()} on ${JSON.stringify(target)}: the target must be a database, a table${operation === 'reindex' ? ' or an index' : ''}`)
}

/** VACUUM's options in the order the documentation lists them; none for a plain VACUUM. */
function vacuumOptionList(options: VacuumOptions | null): string {
  if (!options) return ''
  const words = [options.full && 'FULL', options.freeze && 'FREEZE', options.analyze && 'ANALYZE'].filter(Boolean)
  return words.length > 0 ? ` (${words.join(', ')})` : ''
}

/** The one statement that performs the operation, to run outside any transaction block. */
export function maintenanceStatement(operation: MaintenanceOperation, target: MaintenanceTarget, vacuum: VacuumOptions | null): string {
  const level = targetLevel(operation, target)
  const relation =
    level === 'table' ? qualified(target.schema as string, target.table as string)
    : level === 'index' ? qualified(target.schema as string, target.index as string)
    : null
  switch (operation) {
    case 'vacuum':
      return `VACUUM${vacuumOptionList(vacuum)}${relation ? ' ' + relation : ''}`
    case 'analyze':
      return `ANALYZE${relation ? ' ' + relation : ''}`
    case 'reindex':
      // REINDEX DATABASE names the database it runs in (the name became optional only in 15).
      if (level === 'database') return `REINDEX DATABASE ${quoteIdentifier(target.database)}`
      return `REINDEX ${level === 'table' ? 'TABLE' : 'INDEX'} ${relation}`
  }
}

/** A job in words for notifications and logs, e.g. `VACUUM (FULL) "public"."city" in database "shop"`. */
export function describeOperation(operation: MaintenanceOperation, target: MaintenanceTarget, vacuum: VacuumOptions | null): string {
  const statement = maintenanceStatement(operation, target, vacuum)
  return targetLevel(operation, target) === 'database' && operation === 'reindex'
    ? statement
    : `${statement} in database ${quoteIdentifier(target.database)}`
}
