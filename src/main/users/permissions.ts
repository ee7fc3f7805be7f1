import { AppError } from '../../shared/errors'
import { accessOf, permits, type Access } from '../../shared/access'
import { PERMISSION_AREAS, type Permission, type PermissionArea } from '../../shared/teams'

export { accessOf, type Access }

/**
 * Who a request acts for, once authenticated, whatever the face: the owner (the startup token,
 * a login-link session, the desktop app), a user through one of their API tokens or a session
 * their password opened (browser or PostgreSQL agent), or a PostgreSQL instance's agent key. `permissions` is what the
 * caller may do now — for a token, its own areas within its user's current ones.
 */
export interface Principal {
  kind: 'owner' | 'api_token' | 'session' | 'agent_key'
  /** null for the owner. */
  username: string | null
  isStaff: boolean
  permissions: ReadonlySet<Permission>
  /** The name the audit trail records: the user's, or the owner's by how they came (OWNER_ACTORS). */
  actor: string
  /** The hash of the browser session the request came with, if it came with one. */
  sessionHash?: string
}

export const ALL_PERMISSIONS: readonly Permission[] = PERMISSION_AREAS

/** How the audit trail names the owner: by the API token on HTTP, in the UI (desktop app or a login-link session). */
export const OWNER_ACTORS = { token: 'api-token', ui: 'ui' } as const

/** The owner, admin on every face; `actor` says how they came. */
export function ownerPrincipal(actor: string): Principal {
  return { kind: 'owner', username: null, isStaff: true, permissions: new Set(ALL_PERMISSIONS), actor }
}

/** A user acting through a session their password opened, with what they may do now. */
export function userPrincipal(username: string, held: { isStaff: boolean; permissions: ReadonlySet<Permission> }): Principal {
  return { kind: 'session', username, isStaff: held.isStaff, permissions: held.permissions, actor: username }
}

/** A PostgreSQL instance's agent key: the agent face takes it on the routes its spec lists, for that instance only. */
export function agentKeyPrincipal(): Principal {
  return { kind: 'agent_key', username: null, isStaff: false, permissions: new Set(['postgres']), actor: 'agent-key' }
}

/** The one permission check of every face, channel and topic: may `principal` read or write `area`? */
export function allows(principal: Principal, area: PermissionArea, access: Access): boolean {
  return permits(principal, area, access)
}

/** A permission of Vigil's the caller lacks (told apart from a database's own refusal, which some faces answer otherwise). */
export class PermissionDenied extends AppError {
  constructor(message: string) {
    super('forbidden', message)
  }
}

/** allows(), or PermissionDenied, which each face renders as its own 403. */
export function requirePermission(principal: Principal, area: PermissionArea, access: Access): void {
  if (!allows(principal, area, access)) {
    throw new PermissionDenied(`This needs the '${access === 'read' ? `${area}:read` : area}' permission${area === 'users' ? ' and an is_staff user' : ''}.`)
  }
}

/** What a user may do: every area for is_staff, else what they were granted (never the users area). */
export function userPermissions(isStaff: boolean, granted: readonly string[]): Set<Permission> {
  if (isStaff) return new Set(ALL_PERMISSIONS)
  return new Set(normalise(granted).filter((permission) => !permission.startsWith('users')))
}

/** Sorted, without duplicates, and `x:read` dropped beside `x` (which includes it). */
export function normalise(permissions: readonly string[]): Permission[] {
  const set = new Set(permissions as Permission[])
  return [...set].filter((permission) => !(permission.endsWith(':read') && set.has(permission.slice(0, -5) as Permission))).sort()
}

/** `wanted` within `held`: each area held, or held read-only when only read is wanted. */
export function missingPermissions(wanted: readonly Permission[], held: ReadonlySet<Permission>): Permission[] {
  return wanted.filter((permission) => !(held.has(permission) || (permission.endsWith(':read') && held.has(permission.slice(0, -5) as Permission))))
}

/** A token's permissions now: its own, within what its user holds now (a demotion takes effect at once). */
export function intersect(token: readonly Permission[], user: ReadonlySet<Permission>): Set<Permission> {
  const result = new Set<Permission>()
  for (const permission of token) {
    if (user.has(permission)) result.add(permission)
    else if (!permission.endsWith(':read') && user.has(`${permission}:read` as Permission)) result.add(`${permission}:read` as Permission)
    else if (permission.endsWith(':read') && user.has(permission.slice(0, -5) as Permission)) result.add(permission)
  }
  return result
}
