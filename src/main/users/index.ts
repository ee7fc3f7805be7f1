// Users: Vigil's named users (they log in to the PostgreSQL agent face) and their sessions.
import type { Db } from '../base/db/db'
import { AgentSessions } from './agent-sessions'
import { DEFAULT_LOGIN_LIMITS, LoginThrottle, type LoginLimits } from './login-throttle'
import { createUsersRepo } from './users-repo'
import { UsersService } from './users-service'

export { AgentSessions } from './agent-sessions'
export { USERNAME_PATTERN, UsersService } from './users-service'
export { DEFAULT_LOGIN_LIMITS, LoginThrottle, type LoginLimits } from './login-throttle'

export interface UsersFeature {
  users: UsersService
  /** Agent API sessions, keyed to the same users. */
  sessions: AgentSessions
}

export function createUsersFeature(db: Db, loginLimits: LoginLimits = DEFAULT_LOGIN_LIMITS): UsersFeature {
  const repo = createUsersRepo(db)
  return { users: new UsersService(repo, Date.now, new LoginThrottle(loginLimits)), sessions: new AgentSessions(repo) }
}
