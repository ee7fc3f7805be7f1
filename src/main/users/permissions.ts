import { AppError } from '../../shared/errors'
import { PERMISSION_AREAS, type Permission, type PermissionArea } from '../../shared/teams'

export type Access = 'read' | 'write'

/**
 * Who a request acts for, once authenticated, whatever the face: the owner (the startup token or
 * a browser session), or a user through one of their API tokens. `permissions` is what the
 * caller may do now — for a token, its own areas within its user's current ones.
 */
export interface Principal {
  kind: 'owner' | 'api_token'
  /** null for the owner. */
  username: string | null
  isStaff: boolean
  permissions: ReadonlySet<Permission>
  /** The token's row id (rate limits key on it); null for the owner. */
  tokenId: number | null
}

export const ALL_PERMISSIONS: readonly Permission[] = PERMISSION_AREAS
export const OWNER: Principal = { kind: 'owner', username: null, isStaff: true, permissions: new Set(ALL_PERMISSIONS), tokenId: null }

/** GET, HEAD and OPTIONS read; everything else writes. */
export function accessOf(method: string): Access {
  return method === 'GET' || method === 'HEAD' || method === 'OPTIONS' ? 'read' : 'write'
}

/**
 * The one permission check every face calls: may `principal` read or write `area`? `area`
 * grants both, `area:read` reading only. The users area is the Users API, for is_staff alone.
 */
export function allows(principal: Principal, area: PermissionArea, access: Access): boolean {
  if (area === 'users' && !principal.isStaff) return false
  return principal.permissions.has(area) || (access === 'read' && principal.permissions.has(`${area}:read`))
}

/** allows(), or a forbidden AppError each face renders as its own 403. */
export function requirePermission(principal: Principal, area: PermissionArea, access: Access): void {
  if (!allows(principal, area, access)) {
    throw new AppError('forbidden', `This needs the '${access === 'read' ? `${area}:read` : area}' permission${area === 'users' ? ' and an is_staff user' : ''}.`)
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
