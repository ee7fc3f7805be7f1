// webops-api.md under /api/v1: its users and permissions, its tokens and its rate limits, with
// the spec's envelope `{success, data, message, pagination}` and errors
// `{success: false, error: {code, message, details}}`. Its prefix sits inside the primary API's
// /api, which has no /api/v1 path: the longest prefix owns a URL (face.ts).
//
// Who calls: a `vgl_…` token of a user (its permissions, within the user's), a user's browser
// session, or the owner — the startup token or a login-link session — who is admin. Each route
// names the area it needs, checked as on every face (face.ts).
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import Type from 'typebox'
import { AppError, type ErrorCode } from '../../../shared/errors'
import {
  CreatedTokenSchema,
  CreateTokenSchema,
  CreateUserSchema,
  UpdatePermissionsSchema,
  UpdateUserSchema,
  UserPermissionsSchema,
  UserSchema,
  VerifiedTokenSchema,
  type CreateToken,
  type CreateUser,
  type UpdateUser,
  type VerifiedToken
} from '../../../shared/teams'
import { validated } from '../../base/validated'
import { normalise, type ApiTokens, type UsersService } from '../../users'
import type { AuditTrail } from '../../audit'
import type { Callers } from '../callers'
import { STATUS_OF } from '../errors'
import { actorOf, callerOf, type ApiFace } from '../face'
import { envelope, ok, okPage, PageQuery, pageOf, tags } from './envelope'
import { webhookRoutes } from './webhooks-routes'
import type { WebhooksService } from '../../webhooks'

export interface WebopsDeps {
  callers: Callers
  /** Who changed which user, and which tokens were minted and revoked (never a token itself). */
  audit: AuditTrail
  users: UsersService
  tokens: ApiTokens
  webhooks: WebhooksService
}

export const WEBOPS_PREFIX = '/api/v1'

/** The spec's error codes, by Vigil's. */
const CODE_OF: Record<ErrorCode, string> = {
  validation: 'VALIDATION_ERROR',
  bad_request: 'VALIDATION_ERROR',
  too_large: 'VALIDATION_ERROR',
  unsupported_media_type: 'VALIDATION_ERROR',
  unauthorized: 'AUTHENTICATION_REQUIRED',
  forbidden: 'PERMISSION_DENIED',
  misdirected: 'PERMISSION_DENIED',
  not_found: 'RESOURCE_NOT_FOUND',
  too_many_requests: 'RATE_LIMIT_EXCEEDED',
  unavailable: 'SERVICE_UNAVAILABLE',
  // Not among the spec's codes: a bug, logged, with nothing of it shown.
  internal: 'INTERNAL_ERROR'
}

/** `{success: false, error: {code, message, details}}`; details name each bad field, as the spec's example. */
export function webopsError(error: AppError): { success: false; error: { code: string; message: string; details: Record<string, string[]> } } {
  const details: Record<string, string[]> = {}
  for (const issue of error.issues ?? []) (details[issue.field || 'non_field_errors'] ??= []).push(issue.rule)
  const message = error.code === 'validation' && error.issues?.length ? 'Invalid input data' : error.message
  return { success: false, error: { code: CODE_OF[error.code], message, details } }
}

const IdParams = Type.Object({ id: Type.String({ description: 'The user’s numeric id' }) })
const TokenParams = Type.Object({ token: Type.String({ description: 'The token itself (vgl_…)' }) })
export function webopsFace(deps: WebopsDeps): ApiFace {
  return {
    name: 'webops',
    prefix: WEBOPS_PREFIX,
    // The spec's statuses are Vigil's own (STATUS_OF); HTTP's refusals (421, 413, 415) keep theirs.
    errorStatus: (error: AppError) => STATUS_OF[error.code],
    errorBody: webopsError,
    // Token minting and checking need only a credential (or none); each other route names its area.
    areas: [[WEBOPS_PREFIX, 'any']],
    authenticate: (request, reply) => authenticate(request, reply, deps),
    routes: (scope) => {
      webopsRoutes(scope, deps)
      webhookRoutes(scope, deps.webhooks)
    }
  }
}

/**
 * /api/v1 reads the same credentials as every face (callers.ts): a `vgl_` token, the owner's
 * token or browser session, a user's browser session. Here rather than in security.ts, so that
 * its unknown paths answer 404 whoever calls.
 */
function authenticate(request: FastifyRequest, reply: FastifyReply, deps: WebopsDeps): void {
  request.principal = deps.callers.identify(request, reply)
}

function userIdOf(request: FastifyRequest): number {
  const text = (request.params as { id: string }).id
  if (!/^\d{1,15}$/.test(text)) throw new AppError('not_found', `User ${text} not found`)
  return Number(text)
}

function webopsRoutes(app: FastifyInstance, deps: WebopsDeps): void {
  const { users, tokens, audit } = deps

  app.post(
    '/auth/token/',
    {
      config: { area: 'none' },
      schema: {
        tags,
        summary: 'Create an API token (username and password)',
        description:
          'Answers 201 with a `vgl_…` token, shown this once. `expires_in` in seconds (60 to 90 days, default 30 days); `permissions` within the user’s (default: all of them). ' +
          'Limited per client address (5 attempts in 15 minutes by default), every attempt counted.',
        response: { 201: envelope(CreatedTokenSchema) }
      }
    },
    async (request, reply) => {
      deps.callers.countLogin(request, reply)
      const input = validated<CreateToken>(CreateTokenSchema, request.body)
      if (!(await users.login(input.username, input.password, request.ip))) throw new AppError('unauthorized', 'Invalid username or password.')
      const created = tokens.create({ username: input.username, name: input.name, expires_in: input.expires_in, permissions: input.permissions })
      audit.record(input.username, null, `Created API token '${created.name}' (${created.permissions.join(', ') || 'no permissions'}), expiring ${created.expires_at}`)
      return reply.code(201).send(ok(created, 'Token created; it is shown this once'))
    }
  )

  app.get(
    '/auth/verify/',
    { schema: { tags, summary: 'Verify the token sent, and what it may do', response: { 200: envelope(VerifiedTokenSchema) } } },
    async (request) => {
      const principal = callerOf(request)
      const data: VerifiedToken =
        principal.kind === 'api_token'
          ? tokens.verify(bearerOf(request))
          : {
              valid: true,
              kind: principal.kind === 'session' ? 'session' : 'owner',
              username: principal.username,
              is_staff: principal.isStaff,
              permissions: normalise([...principal.permissions]),
              name: null,
              created_at: null,
              expires_at: null,
              last_used_at: null
            }
      return ok(data, 'Token is valid')
    }
  )

  app.delete<{ Params: { token: string } }>(
    '/auth/token/:token/',
    { schema: { tags, summary: 'Revoke a token', params: TokenParams, response: { 200: envelope(Type.Null()) } } },
    async (request) => {
      const revoked = tokens.revoke(request.params.token)
      audit.record(actorOf(request), null, `Revoked API token '${revoked.name}' of ${revoked.username}`)
      return ok(null, 'Token revoked')
    }
  )

  const userRoute = { area: 'users' as const }
  app.get<{ Querystring: { page?: number; per_page?: number } }>(
    '/users/',
    { config: userRoute, schema: { tags, summary: 'List users (admin)', querystring: PageQuery, response: { 200: envelope(Type.Array(UserSchema), true) } } },
    async (request) => {
      const { page, perPage } = pageOf(request.query)
      const { users: list, total } = users.page(page, perPage)
      return okPage(list, 'Users retrieved', page, perPage, total)
    }
  )
  app.post(
    '/users/',
    { config: userRoute, schema: { tags, summary: 'Create a user (admin)', response: { 201: envelope(UserSchema) } } },
    async (request, reply) => {
      const user = await users.create(validated<CreateUser>(CreateUserSchema, request.body))
      audit.record(actorOf(request), null, `Created user ${user.username}${user.is_staff ? ' (staff)' : ''} with ${describePermissions(user.permissions)}`)
      return reply.code(201).send(ok(user, 'User created'))
    }
  )
  app.get(
    '/users/:id/',
    { config: userRoute, schema: { tags, summary: 'Get a user (admin)', params: IdParams, response: { 200: envelope(UserSchema) } } },
    async (request) => ok(users.get(userIdOf(request)), 'User retrieved')
  )
  app.put(
    '/users/:id/',
    {
      config: userRoute,
      schema: { tags, summary: 'Update a user (admin)', description: 'A new password ends the user’s sessions and revokes their tokens.', params: IdParams, response: { 200: envelope(UserSchema) } }
    },
    async (request) => {
      const id = userIdOf(request)
      users.get(id)
      const change = validated<UpdateUser>(UpdateUserSchema, request.body)
      const user = await users.update(id, change)
      const fields = Object.keys(change).filter((field) => field !== 'username')
      audit.record(actorOf(request), null, `Updated user ${user.username}: ${fields.join(', ') || 'nothing'}${change.password === undefined ? '' : ' (sessions and tokens ended)'}`)
      return ok(user, 'User updated')
    }
  )
  app.delete(
    '/users/:id/',
    { config: userRoute, schema: { tags, summary: 'Delete a user and their tokens (admin)', params: IdParams, response: { 200: envelope(Type.Null()) } } },
    async (request) => {
      const id = userIdOf(request)
      const { username } = users.get(id)
      users.removeById(id)
      audit.record(actorOf(request), null, `Deleted user ${username} and their tokens`)
      return ok(null, 'User deleted')
    }
  )
  app.get(
    '/users/:id/permissions/',
    { config: userRoute, schema: { tags, summary: 'Get a user’s permissions (admin)', params: IdParams, response: { 200: envelope(UserPermissionsSchema) } } },
    async (request) => ok(permissionsOf(users.get(userIdOf(request))), 'Permissions retrieved')
  )
  app.put(
    '/users/:id/permissions/',
    { config: userRoute, schema: { tags, summary: 'Set a user’s permissions (admin)', params: IdParams, response: { 200: envelope(UserPermissionsSchema) } } },
    async (request) => {
      const id = userIdOf(request)
      users.get(id)
      const { permissions } = validated<{ permissions: string[] }>(UpdatePermissionsSchema, request.body)
      const user = await users.update(id, { permissions: permissions as UpdateUser['permissions'] })
      audit.record(actorOf(request), null, `Set the permissions of ${user.username}: ${describePermissions(user.permissions)}`)
      return ok(permissionsOf(user), 'Permissions updated')
    }
  )
}

function describePermissions(permissions: readonly string[]): string {
  return permissions.length ? permissions.join(', ') : 'no permissions'
}

function permissionsOf(user: { id: number; username: string; is_staff: boolean; permissions: string[] }) {
  return { id: user.id, username: user.username, is_staff: user.is_staff, permissions: user.permissions }
}

function bearerOf(request: FastifyRequest): string {
  return /^(?:Bearer|Token)\s+(\S+)\s*$/i.exec(request.headers.authorization ?? '')?.[1] ?? ''
}
