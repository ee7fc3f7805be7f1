import Type, { type Static } from 'typebox'
import { IP_ADDRESS_FORMAT } from './formats'
import { MAX_PAGE, MAX_PER_PAGE } from './limits'

// The server record of servers-metrics-oracle-api.md ("Server Management APIs"), field by field.
// One schema set serves the API (validation, response filtering, OpenAPI) and the UI's forms.

export const SERVER_STATUSES = ['active', 'inactive', 'maintenance', 'error'] as const
export const OS_TYPES = ['linux', 'aix'] as const
export type ServerStatus = (typeof SERVER_STATUSES)[number]
export type OsType = (typeof OS_TYPES)[number]

/** How Vigil reaches a server: SSH, or local exec for the host it runs on (the built-in server). */
export const COLLECTORS = ['ssh', 'local'] as const
/** What a server's collector is doing; the reason is in `collection_error`. */
export const COLLECTION_STATES = [
  'idle',
  'disabled',
  'connecting',
  'collecting',
  'auth_failed',
  'host_key_mismatch',
  'unreachable',
  'error'
] as const
export type CollectionState = (typeof COLLECTION_STATES)[number]

/** Collection states in which a server's collector gets no data: the server is down as far as Vigil can tell. */
const FAILING_STATES: ReadonlySet<string> = new Set<CollectionState>(['auth_failed', 'host_key_mismatch', 'unreachable', 'error'])
export const isFailingServerState = (state: string): boolean => FAILING_STATES.has(state)

export const SERVER_REQUIRED_FIELDS = ['hostname', 'ip_address', 'ssh_username'] as const

/** Optional free text; null (as GET returns it) or "" clears it. */
const text = (maxLength: number) => Type.Union([Type.String({ maxLength }), Type.Null()])

const fields = {
  hostname: Type.String({
    minLength: 1,
    maxLength: 253,
    pattern: '^[A-Za-z0-9_]([A-Za-z0-9_.-]*[A-Za-z0-9_])?$',
    errorMessage: 'must be a host name of letters, digits, dots, hyphens and underscores'
  }),
  ip_address: Type.String({ format: IP_ADDRESS_FORMAT, errorMessage: 'must be an IPv4 or IPv6 address' }),
  alias: text(100),
  os_type: Type.Enum([...OS_TYPES]),
  os_version: text(100),
  architecture: text(50),
  ssh_port: Type.Integer({ minimum: 1, maximum: 65535 }),
  ssh_username: Type.String({
    minLength: 1,
    maxLength: 64,
    pattern: '^[^\\s:@/\\\\]+$',
    errorMessage: 'must be a user name without spaces, ":", "@" or slashes'
  }),
  ssh_key_path: text(4096),
  ssh_password: text(1024),
  ssh_key_passphrase: text(1024),
  status: Type.Enum([...SERVER_STATUSES]),
  monitoring_enabled: Type.Boolean(),
  monitoring_interval: Type.Integer({ minimum: 1, maximum: 86400 }),
  description: text(2000),
  location: text(200),
  environment: text(100)
}

/** Fields a client may send back unchanged (GET then PUT) without being told they are unknown. */
const readOnlyEcho = {
  id: Type.Optional(Type.Unknown()),
  created_at: Type.Optional(Type.Unknown()),
  updated_at: Type.Optional(Type.Unknown()),
  last_seen: Type.Optional(Type.Unknown()),
  ssh_password_set: Type.Optional(Type.Unknown()),
  ssh_key_passphrase_set: Type.Optional(Type.Unknown()),
  collector: Type.Optional(Type.Unknown()),
  collection_state: Type.Optional(Type.Unknown()),
  collection_error: Type.Optional(Type.Unknown()),
  collection_state_since: Type.Optional(Type.Unknown())
}

const optionalFields = Object.fromEntries(
  Object.entries(fields).map(([name, schema]) => [name, Type.Optional(schema)])
) as { [K in keyof typeof fields]: ReturnType<typeof Type.Optional<(typeof fields)[K]>> }

export const ServerCreateSchema = Type.Object(
  {
    ...optionalFields,
    hostname: fields.hostname,
    ip_address: fields.ip_address,
    ssh_username: fields.ssh_username
  },
  { additionalProperties: false }
)

export const ServerUpdateSchema = Type.Object(
  { ...optionalFields, ...readOnlyEcho },
  { additionalProperties: false }
)

const nullableText = Type.Union([Type.String(), Type.Null()])

/** What the API and the UI get back. Secrets are not in it, so they cannot be serialised. */
export const ServerSchema = Type.Object({
  id: Type.String({ format: 'uuid' }),
  hostname: Type.String(),
  ip_address: Type.String(),
  alias: nullableText,
  os_type: Type.Enum([...OS_TYPES]),
  os_version: nullableText,
  architecture: nullableText,
  ssh_port: Type.Integer(),
  ssh_username: Type.String(),
  ssh_key_path: nullableText,
  ssh_password_set: Type.Boolean({ description: 'An SSH password is stored (the password itself is never returned).' }),
  ssh_key_passphrase_set: Type.Boolean(),
  status: Type.Enum([...SERVER_STATUSES]),
  monitoring_enabled: Type.Boolean(),
  monitoring_interval: Type.Integer(),
  description: nullableText,
  location: nullableText,
  environment: nullableText,
  created_at: Type.String({ format: 'date-time' }),
  updated_at: Type.String({ format: 'date-time' }),
  last_seen: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  collector: Type.Enum([...COLLECTORS], { description: 'ssh, or local for the host Vigil runs on' }),
  collection_state: Type.Enum([...COLLECTION_STATES]),
  collection_error: nullableText,
  collection_state_since: Type.Union([Type.String({ format: 'date-time' }), Type.Null()])
})

export const ServerListQuerySchema = Type.Object(
  {
    status: Type.Optional(Type.Enum([...SERVER_STATUSES])),
    monitoring_enabled: Type.Optional(Type.Boolean()),
    environment: Type.Optional(Type.String({ maxLength: 100 })),
    search: Type.Optional(
      Type.String({ maxLength: 200, description: 'Vigil extension: matches hostname, alias or IP address.' })
    ),
    page: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_PAGE })),
    per_page: Type.Optional(Type.Integer({ minimum: 1, description: `Capped at ${MAX_PER_PAGE}.` }))
  },
  // Unknown query parameters are ignored, as the reference API ignores them (e.g. `format=json`).
  { additionalProperties: true }
)

export const ServerListPageSchema = Type.Object({
  count: Type.Integer(),
  page: Type.Integer(),
  total_pages: Type.Integer(),
  has_next: Type.Boolean(),
  has_previous: Type.Boolean(),
  servers: Type.Array(ServerSchema)
})

export const BulkStatusSchema = Type.Object(
  {
    server_ids: Type.Array(Type.String({ maxLength: 64 }), { minItems: 1, maxItems: 1000 }),
    status: Type.Enum([...SERVER_STATUSES])
  },
  { additionalProperties: false }
)

export type Server = Static<typeof ServerSchema>
export type ServerCreate = Static<typeof ServerCreateSchema>
export type ServerUpdate = Static<typeof ServerUpdateSchema>
export type ServerListQuery = Static<typeof ServerListQuerySchema>
export type ServerListPage = Static<typeof ServerListPageSchema>
export type BulkStatus = Static<typeof BulkStatusSchema>
export interface BulkStatusResult {
  updated_count: number
  new_status: ServerStatus
}
