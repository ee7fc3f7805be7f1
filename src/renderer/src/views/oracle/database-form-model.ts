import { DEFAULT_CONNECTION_TIMEOUT, DEFAULT_PORTS, type DbEngine, type OracleDatabase, type OracleDatabaseCreate, type OracleDatabaseUpdate } from '../../../../shared/oracle'
import { changedFields, filledFields } from '../../forms/form-text'

/** How an Oracle database is named to its listener: exactly one of the two, so the form offers one at a time. */
export type OracleAddress = 'service_name' | 'sid'

/** What the database form holds: text as typed, so a half-typed port is still shown as typed. */
export interface DatabaseFormValues {
  name: string
  server_id: string
  engine: DbEngine
  host: string
  port: string
  oracle_by: OracleAddress
  sid: string
  service_name: string
  database: string
  username: string
  /** Blank: keep the stored password (on edit) or store none (on create). */
  password: string
  clear_password: boolean
  connection_timeout: string
  is_active: boolean
}

const TEXT_FIELDS = ['name', 'server_id', 'host', 'username'] as const
const INTEGER_FIELDS = ['port', 'connection_timeout'] as const

export function emptyDatabaseForm(engine: DbEngine = 'oracle'): DatabaseFormValues {
  return {
    name: '',
    server_id: '',
    engine,
    host: '',
    port: String(DEFAULT_PORTS[engine]),
    oracle_by: 'service_name',
    sid: '',
    service_name: '',
    database: '',
    username: '',
    password: '',
    clear_password: false,
    connection_timeout: String(DEFAULT_CONNECTION_TIMEOUT),
    is_active: true
  }
}

export function formFromDatabase(database: OracleDatabase): DatabaseFormValues {
  return {
    ...emptyDatabaseForm(database.engine),
    name: database.name,
    server_id: database.server_id,
    host: database.host,
    port: String(database.port),
    oracle_by: database.sid ? 'sid' : 'service_name',
    sid: database.sid ?? '',
    service_name: database.service_name ?? '',
    database: database.database ?? '',
    username: database.username,
    connection_timeout: String(database.connection_timeout),
    is_active: database.is_active
  }
}

/** Switching the engine moves the port along when it still is the other engine's default. */
export function withEngine(values: DatabaseFormValues, engine: DbEngine): DatabaseFormValues {
  const portWasDefault = values.port.trim() === '' || values.port.trim() === String(DEFAULT_PORTS[values.engine])
  return { ...values, engine, port: portWasDefault ? String(DEFAULT_PORTS[engine]) : values.port }
}

/** The address fields the engine takes, each trimmed; blank ones left out (the core names what is missing). */
function address(values: DatabaseFormValues): Partial<Record<'sid' | 'service_name' | 'database', string>> {
  if (values.engine === 'postgresql') return values.database.trim() ? { database: values.database.trim() } : {}
  const chosen = values[values.oracle_by].trim()
  return chosen ? { [values.oracle_by]: chosen } : {}
}

export function toDatabaseCreate(values: DatabaseFormValues): OracleDatabaseCreate {
  const input: Record<string, unknown> = { engine: values.engine, is_active: values.is_active, ...filledFields(values, TEXT_FIELDS, INTEGER_FIELDS) }
  Object.assign(input, address(values))
  if (values.password) input.password = values.password
  return input as OracleDatabaseCreate
}

/**
 * Only what changed. The engine is fixed once registered. Switching an Oracle database from
 * SID to service name (or back) clears the other one, so exactly one is ever stored. A blank
 * password keeps the stored one; "forget" sends an empty one.
 */
export function toDatabaseUpdate(values: DatabaseFormValues, original: OracleDatabase): OracleDatabaseUpdate {
  const before = formFromDatabase(original)
  const changes = changedFields(values, before, TEXT_FIELDS, INTEGER_FIELDS)
  if (values.is_active !== before.is_active) changes.is_active = values.is_active
  if (original.engine === 'postgresql') {
    if (values.database.trim() !== before.database) changes.database = values.database.trim() || null
  } else {
    const chosen = values.oracle_by
    const other: OracleAddress = chosen === 'sid' ? 'service_name' : 'sid'
    if (values[chosen].trim() !== (original[chosen] ?? '')) changes[chosen] = values[chosen].trim() || null
    if (original[other] !== null) changes[other] = null
  }
  if (values.clear_password) changes.password = ''
  else if (values.password) changes.password = values.password
  return changes as OracleDatabaseUpdate
}

/** The connect target in one line: `host:port/service`, `host:port:SID` or `host:port/database`. */
export function describeAddress(database: Pick<OracleDatabase, 'engine' | 'host' | 'port' | 'sid' | 'service_name' | 'database'>): string {
  const host = database.host.includes(':') ? `[${database.host}]` : database.host
  if (database.engine === 'postgresql') return `${host}:${database.port}/${database.database ?? ''}`
  return database.sid ? `${host}:${database.port} SID ${database.sid}` : `${host}:${database.port}/${database.service_name ?? ''}`
}
