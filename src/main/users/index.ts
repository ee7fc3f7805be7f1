// Users: Vigil's named users (they log in to the PostgreSQL agent face and mint /api/v1 tokens),
// their permissions, their agent sessions and their API tokens.
import type { Db } from '../base/db/db'
import { AgentSessions } from './agent-sessions'
import { ApiTokens } from './api-tokens'
import { DEFAULT_LOGIN_LIMITS, LoginThrottle, type LoginLimits } from './login-throttle'
import { createUsersRepo } from './users-repo'
import { UsersService } from './users-service'

export { AgentSessions } from './agent-sessions'
export { userChannels, type RotateOwnerToken } from './user-channels'
export { API_TOKEN_PATTERN, ApiTokens } from './api-tokens'
export { USERNAME_PATTERN, UsersService } from './users-service'
export { DEFAULT_LOGIN_LIMITS, LoginThrottle, type LoginLimits } from './login-throttle'
export { accessOf, agentKeyPrincipal, allows, ALL_PERMISSIONS, normalise, OWNER_ACTORS, ownerPrincipal, PermissionDenied, requirePermission, userPrincipal, type Access, type Principal } from './permissions'

export interface UsersFeature {
  users: UsersService
  /** Agent API sessions, keyed to the same users. */
  sessions: AgentSessions
  /** /api/v1 tokens, of the same users. */
  tokens: ApiTokens
}

export function createUsersFeature(db: Db, loginLimits: LoginLimits = DEFAULT_LOGIN_LIMITS, now: () => number = Date.now): UsersFeature {
  const repo = createUsersRepo(db)
  const users = new UsersService(repo, now, new LoginThrottle(loginLimits, now))
  return { users, sessions: new AgentSessions(repo, now), tokens: new ApiTokens(repo, users, now) }
}
