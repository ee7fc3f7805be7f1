import Type, { type Static } from 'typebox'

// webops-api.md's users, permissions and tokens (/api/v1), field by field. One schema set
// serves validation (bad input → VALIDATION_ERROR naming each field), response filtering (a
// password hash or a token hash can never leak through an undeclared field) and OpenAPI.

/**
 * The areas of Vigil a permission grants (README, "/api/v1"): `servers` grants read and write,
 * `servers:read` read only (GET, WebSocket subscriptions, read channels).
 */
export const PERMISSION_AREAS = ['servers', 'metrics', 'oracle', 'postgres', 'prometheus', 'platform', 'deployments', 'databases', 'monitoring', 'logs', 'users'] as const
export type PermissionArea = (typeof PERMISSION_AREAS)[number]
export type Permission = PermissionArea | `${PermissionArea}:read`

const PERMISSION_PATTERN = `^(${PERMISSION_AREAS.join('|')})(:read)?$`
export const PermissionSchema = Type.String({
  pattern: PERMISSION_PATTERN,
  errorMessage: `must be an area (${PERMISSION_AREAS.join(', ')}), alone for read and write or with ':read' for read only`
})
export const PermissionsSchema = Type.Array(PermissionSchema, { maxItems: PERMISSION_AREAS.length * 2 })

export const USERNAME_RULE = '^[A-Za-z0-9_.@-]{1,64}$'
const Username = Type.String({ pattern: USERNAME_RULE, errorMessage: 'must be 1 to 64 letters, digits, or . _ @ -' })
const Password = Type.String({ minLength: 8, maxLength: 1024, errorMessage: 'must be 8 to 1024 characters' })
const Email = Type.String({ maxLength: 254, pattern: '^$|^[^\\s@]+@[^\\s@]+$', errorMessage: 'must be an email address' })

export const CreateUserSchema = Type.Object(
  {
    username: Username,
    email: Type.Optional(Email),
    password: Password,
    is_staff: Type.Optional(Type.Boolean()),
    permissions: Type.Optional(PermissionsSchema)
  },
  { additionalProperties: false }
)
export type CreateUser = Static<typeof CreateUserSchema>

/** Every field optional; `username` may be sent (as GET returns it) but not changed. */
export const UpdateUserSchema = Type.Object(
  {
    username: Type.Optional(Username),
    email: Type.Optional(Email),
    password: Type.Optional(Password),
    is_staff: Type.Optional(Type.Boolean()),
    permissions: Type.Optional(PermissionsSchema)
  },
  { additionalProperties: false }
)
export type UpdateUser = Static<typeof UpdateUserSchema>

export const UpdatePermissionsSchema = Type.Object({ permissions: PermissionsSchema }, { additionalProperties: false })

/** Tokens live from a minute to 90 days (the spec's "rotate tokens regularly (90 days max)"). */
export const TOKEN_MAX_SECONDS = 90 * 86_400
export const TOKEN_DEFAULT_SECONDS = 30 * 86_400

export const CreateTokenSchema = Type.Object(
  {
    username: Type.String({ minLength: 1, maxLength: 64 }),
    password: Type.String({ minLength: 1, maxLength: 1024 }),
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
    expires_in: Type.Optional(Type.Integer({ minimum: 60, maximum: TOKEN_MAX_SECONDS })),
    permissions: Type.Optional(PermissionsSchema)
  },
  { additionalProperties: false }
)
export type CreateToken = Static<typeof CreateTokenSchema>

export const UserSchema = Type.Object({
  id: Type.Integer(),
  username: Type.String(),
  email: Type.String(),
  is_staff: Type.Boolean(),
  permissions: Type.Array(Type.String(), { description: 'As granted; an is_staff user has every area whatever this lists' }),
  created_at: Type.String({ format: 'date-time' }),
  updated_at: Type.String({ format: 'date-time' })
})
export type UserDto = Static<typeof UserSchema>

export const UserPermissionsSchema = Type.Object({
  id: Type.Integer(),
  username: Type.String(),
  is_staff: Type.Boolean(),
  permissions: Type.Array(Type.String())
})

export const CreatedTokenSchema = Type.Object({
  token: Type.String({ description: 'Shown this once: Vigil keeps only its hash' }),
  name: Type.String(),
  expires_at: Type.String({ format: 'date-time' }),
  permissions: Type.Array(Type.String())
})

export const VerifiedTokenSchema = Type.Object({
  valid: Type.Boolean(),
  kind: Type.Enum(['api_token', 'owner', 'session'], { description: '`owner`: the startup owner token or a login-link browser session (admin); `session`: a user’s browser session' }),
  username: Type.Union([Type.String(), Type.Null()]),
  is_staff: Type.Boolean(),
  permissions: Type.Array(Type.String(), { description: 'What the token may do now: its own areas within its user’s current ones' }),
  name: Type.Union([Type.String(), Type.Null()]),
  created_at: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  expires_at: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  last_used_at: Type.Union([Type.String({ format: 'date-time' }), Type.Null()])
})
export type VerifiedToken = Static<typeof VerifiedTokenSchema>
