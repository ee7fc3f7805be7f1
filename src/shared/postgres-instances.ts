import Type, { type Static } from 'typebox'
import { HOST_FORMAT } from './formats'
import { CONTROL_CONFIG_SCHEMA } from './postgres-control'

// The PostgreSQL instances registry: where each instance is reached and what its last
// connection test learned. One schema set serves the API (validation, response filtering,
// OpenAPI) and the UI's forms, as for servers.

export const DEFAULT_POSTGRES_PORT = 5432
export const DEFAULT_MAINTENANCE_DB = 'postgres'

/** Why a connection or a query failed, for scripts and the UI to act on without parsing text. */
export const PG_FAILURE_REASONS = [
  'auth_failed',
  'unreachable',
  'timeout',
  'insufficient_privilege',
  'database_missing',
  'server_unavailable',
  'error'
] as const
export type PgFailureReason = (typeof PG_FAILURE_REASONS)[number]

/** Optional free text; null (as GET returns it) or "" clears it. */
const text = (maxLength: number) => Type.Union([Type.String({ maxLength }), Type.Null()])

// PostgreSQL keeps names to 63 bytes (NAMEDATALEN - 1); control characters cannot be typed in a
// connection string and only ever arrive by mistake.
const pgName = (what: string) =>
  Type.String({
    minLength: 1,
    maxLength: 63,
    pattern: '^[^\\x00-\\x1f\\x7f]+$',
    errorMessage: `must be a ${what} of 1 to 63 characters, without control characters`
  })

export const AGENT_KEY_MIN_LENGTH = 16
export const AGENT_KEY_MAX_LENGTH = 256
/** A key as a header can carry it and a URL without escaping most of it; empty removes it. */
const AGENT_KEY_PATTERN = `^(?:[\\x21-\\x7e]{${AGENT_KEY_MIN_LENGTH},${AGENT_KEY_MAX_LENGTH}})?$`

const fields = {
  // Names also key the instance in URLs and source lists: no slashes, no surrounding spaces.
  name: Type.String({
    minLength: 1,
    maxLength: 100,
    pattern: '^(?!\\s)(?!.*\\s$)[^/\\\\\\x00-\\x1f\\x7f]+$',
    errorMessage: 'must be 1 to 100 characters, without slashes, control characters or surrounding spaces'
  }),
  host: Type.String({
    maxLength: 253,
    format: HOST_FORMAT,
    errorMessage: 'must be a host name, an IPv4 address or an IPv6 address'
  }),
  port: Type.Integer({ minimum: 1, maximum: 65535 }),
  username: pgName('role name'),
  password: text(1024),
  maintenance_db: pgName('database name'),
  server_id: Type.Union([
    Type.String({ format: 'uuid', errorMessage: 'must be the ID (a UUID) of a registered server' }),
    Type.Null()
  ]),
  description: text(2000),
  is_active: Type.Boolean(),
  /**
   * How start/stop/restart (the agent's /administration/control) run on the linked server;
   * null: not configured. The fields each method needs are checked by the service.
   */
  control: Type.Union([CONTROL_CONFIG_SCHEMA, Type.Null()]),
  /**
   * The agent key scripts and the temboard UI may send instead of a session (`?key=` or
   * `X-TemBoard-Agent-Key`) on the agent routes that take one. Write-only, stored hashed;
   * "" or null removes it.
   */
  agent_key: Type.Union([
    Type.String({
      maxLength: AGENT_KEY_MAX_LENGTH,
      pattern: AGENT_KEY_PATTERN,
      errorMessage: `must be ${AGENT_KEY_MIN_LENGTH} to ${AGENT_KEY_MAX_LENGTH} printable ASCII characters without spaces (e.g. openssl rand -hex 32), or empty to remove it`
    }),
    Type.Null()
  ])
}

/** Fields a client may send back unchanged (GET then PUT) without being told they are unknown. */
const readOnlyEcho = Object.fromEntries(
  [
    'id',
    'password_set',
    'agent_key_set',
    'server',
    'server_name',
    'created_at',
    'updated_at',
    'last_check_at',
    'last_status',
    'last_error',
    'server_version',
    'server_version_num',
    'in_recovery'
  ].map((name) => [name, Type.Optional(Type.Unknown())])
)

const optionalFields = Object.fromEntries(
  Object.entries(fields).map(([name, schema]) => [name, Type.Optional(schema)])
) as { [K in keyof typeof fields]: ReturnType<typeof Type.Optional<(typeof fields)[K]>> }

export const PostgresInstanceCreateSchema = Type.Object(
  { ...optionalFields, name: fields.name, host: fields.host, username: fields.username },
  { additionalProperties: false }
)

export const PostgresInstanceUpdateSchema = Type.Object(
  { ...optionalFields, ...readOnlyEcho },
  { additionalProperties: false }
)

export const PostgresInstanceListQuerySchema = Type.Object(
  {
    server_id: Type.Optional(Type.String({ format: 'uuid', errorMessage: 'must be the ID (a UUID) of a server' })),
    is_active: Type.Optional(Type.Boolean()),
    search: Type.Optional(Type.String({ maxLength: 200, description: 'Matches name, host or description.' }))
  },
  // Unknown query parameters are ignored, as the servers list ignores them (e.g. `format=json`).
  { additionalProperties: true }
)

const nullableText = Type.Union([Type.String(), Type.Null()])
const nullableTime = Type.Union([Type.String({ format: 'date-time' }), Type.Null()])

/** What the API and the UI get back. The password is not in it, so it cannot be serialised. */
export const PostgresInstanceSchema = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  // The Oracle databases list's way of naming the linked server: nested, by id and by name.
  server: Type.Union([Type.Object({ id: Type.String(), hostname: Type.String() }), Type.Null()]),
  server_id: nullableText,
  server_name: nullableText,
  host: Type.String(),
  port: Type.Integer(),
  username: Type.String(),
  password_set: Type.Boolean({ description: 'A password is stored (the password itself is never returned).' }),
  agent_key_set: Type.Boolean({ description: 'An agent key is set (stored hashed; the key itself is never returned).' }),
  maintenance_db: Type.String(),
  description: nullableText,
  is_active: Type.Boolean(),
  control: Type.Union([CONTROL_CONFIG_SCHEMA, Type.Null()], {
    description: 'How start/stop/restart run on the linked server (pg_ctl, pg_ctlcluster, systemd or a custom command); null when not configured.'
  }),
  created_at: Type.String({ format: 'date-time' }),
  updated_at: Type.String({ format: 'date-time' }),
  last_check_at: nullableTime,
  last_status: Type.Union([Type.Literal('ok'), Type.Literal('error'), Type.Null()]),
  last_error: nullableText,
  server_version: Type.Union([Type.String({ description: 'version() as of the last successful test' }), Type.Null()]),
  server_version_num: Type.Union([Type.Integer({ description: 'e.g. 150008 for 15.8' }), Type.Null()]),
  in_recovery: Type.Union([Type.Boolean({ description: 'A standby (pg_is_in_recovery()) at the last successful test' }), Type.Null()])
})

export const PostgresTestSuccessSchema = Type.Object({
  status: Type.Literal('success'),
  instance_id: Type.Integer(),
  server_version: Type.String(),
  server_version_num: Type.Integer(),
  in_recovery: Type.Boolean(),
  connection_time_ms: Type.Integer({ description: 'Connecting and the version query, in milliseconds' }),
  checked_at: Type.String({ format: 'date-time' })
})

export const PostgresTestFailureSchema = Type.Object({
  status: Type.Literal('error'),
  instance_id: Type.Integer(),
  error: Type.String(),
  code: Type.Enum([...PG_FAILURE_REASONS]),
  sqlstate: Type.Union([Type.String(), Type.Null()]),
  checked_at: Type.String({ format: 'date-time' })
})

export type PostgresInstance = Static<typeof PostgresInstanceSchema>
export type PostgresInstanceCreate = Static<typeof PostgresInstanceCreateSchema>
export type PostgresInstanceUpdate = Static<typeof PostgresInstanceUpdateSchema>
export type PostgresInstanceListQuery = Static<typeof PostgresInstanceListQuerySchema>
export type PostgresTestResult = Static<typeof PostgresTestSuccessSchema> | Static<typeof PostgresTestFailureSchema>
