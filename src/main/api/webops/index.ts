// webops-api.md under /api/v1: its users and permissions, its tokens and its rate limits, with
// the spec's envelope `{success, data, message, pagination}` and errors
// `{success: false, error: {code, message, details}}`. Its prefix sits inside the primary API's
// /api, which has no /api/v1 path: the longest prefix owns a URL (face.ts).
//
// Who calls: a `vgl_…` token of a user (its permissions, within the user's), or the owner — the
// startup token or a browser session — who is admin. Each route names the area it needs; the
// check is users/permissions.ts's requirePermission, the one every face will call.
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
  type PermissionArea,
  type UpdateUser,
  type VerifiedToken
} from '../../../shared/teams'
import { validated } from '../../base/validated'
import type { RateLimiter, RateRule } from '../../base/security/rate-limiter'
import { SESSION_COOKIE, type Authenticator } from '../../base/security/browser-auth'
import { accessOf, ALL_PERMISSIONS, OWNER, requirePermission, type ApiTokens, type Principal, type UsersService } from '../../users'
import type { AuditTrail } from '../../audit'
import { STATUS_OF } from '../errors'
import { APP_KEY_HEADER } from '../security'
import type { ApiFace } from '../face'
import { actorOf, envelope, ok, okPage, PageQuery, pageOf, tags } from './envelope'
import { webhookRoutes } from './webhooks-routes'
import type { WebhooksService } from '../../webhooks'

export interface WebopsDeps {
  auth: Authenticator
  /** Who changed which user, and which tokens were minted and revoked (never a token itself). */
  audit: AuditTrail
  users: UsersService
  tokens: ApiTokens
  webhooks: WebhooksService
  limiter: RateLimiter
  limits: { general: RateRule; auth: RateRule }
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** A /api/v1 route anyone may call (POST /auth/token/, which has its own limit). */
    webopsPublic?: boolean
    /** The permission area a /api/v1 route needs: read for GET, write otherwise. */
    area?: PermissionArea
  }
  interface FastifyRequest {
    /** Who a /api/v1 request acts for, once authenticated. */
    principal?: Principal
  }
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
    authenticate: (request, reply) => authenticate(request, reply, deps),
    routes: (scope) => {
      webopsRoutes(scope, deps)
      webhookRoutes(scope, deps.webhooks)
    }
  }
}

function authenticate(request: FastifyRequest, reply: FastifyReply, deps: WebopsDeps): void {
  const config = request.routeOptions.config
  if (config?.webopsPublic) return
  const principal = principalOf(request, deps)
  // The general limit is per API token; the owner (token or browser session) is not throttled.
  if (principal.tokenId !== null) limit(reply, deps.limiter.hit(`token:${principal.tokenId}`, deps.limits.general), deps.limits.general)
  request.principal = principal
  if (config?.area) requirePermission(principal, config.area, accessOf(request.method))
}

/** A `vgl_` token, the owner token (bearer, or X-TC-APP-KEY as on every face), or a browser session (the owner's): else 401. */
function principalOf(request: FastifyRequest, deps: WebopsDeps): Principal {
  const header = request.headers.authorization
  if (header !== undefined) {
    const token = /^(?:Bearer|Token)\s+(\S+)\s*$/i.exec(header)?.[1]
    if (!token) throw new AppError('unauthorized', 'Send the token as Authorization: Bearer <token>.')
    if (token.startsWith('vgl_')) return deps.tokens.authenticate(token)
    if (deps.auth.tokenIsValid(token)) return OWNER
    throw new AppError('unauthorized', 'Invalid token.')
  }
  const appKey = request.headers[APP_KEY_HEADER]
  if (typeof appKey === 'string') {
    if (deps.auth.tokenIsValid(appKey.trim())) return OWNER
    throw new AppError('unauthorized', 'Invalid token.')
  }
  const session = request.cookies?.[SESSION_COOKIE]
  if (session) {
    if (deps.auth.sessionIsValid(session)) return OWNER
    throw new AppError('unauthorized', 'Session expired; log in again.')
  }
  throw new AppError('unauthorized', 'Authentication credentials were not provided.')
}

/** X-RateLimit-* on every counted answer; RATE_LIMIT_EXCEEDED (429, Retry-After) once spent. */
function limit(reply: FastifyReply, decision: ReturnType<RateLimiter['hit']>, rule: RateRule): void {
  reply.header('X-RateLimit-Limit', String(decision.limit))
  reply.header('X-RateLimit-Remaining', String(decision.remaining))
  reply.header('X-RateLimit-Reset', String(Math.ceil(decision.resetAt / 1000)))
  if (!decision.allowed) {
    throw new AppError('too_many_requests', `Rate limit exceeded: ${rule.max} requests per ${describeWindow(rule.windowSeconds)}; try again in ${decision.retryAfterSeconds} s.`, {
      retryAfterSeconds: decision.retryAfterSeconds
    })
  }
}

function describeWindow(seconds: number): string {
  if (seconds % 3600 === 0) return seconds === 3600 ? 'hour' : `${seconds / 3600} hours`
  if (seconds % 60 === 0) return seconds === 60 ? 'minute' : `${seconds / 60} minutes`
  return `${seconds} s`
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
      config: { webopsPublic: true },
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
      limit(reply, deps.limiter.hit(`auth:${request.ip}`, deps.limits.auth), deps.limits.auth)
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
      const principal = request.principal as Principal
      const data: VerifiedToken =
        principal.kind === 'owner'
          ? { valid: true, kind: 'owner', username: null, is_staff: true, permissions: [...ALL_PERMISSIONS], name: null, created_at: null, expires_at: null, last_used_at: null }
          : tokens.verify(bearerOf(request))
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
