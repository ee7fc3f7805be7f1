import { createHash, randomBytes } from 'node:crypto'
import type { UsersRepo } from './users-repo'

/** An agent session ends after this long without use. */
export const AGENT_SESSION_IDLE_MS = 60 * 60_000

const hashOf = (id: string): string => createHash('sha256').update(id).digest('hex')

/**
 * The PostgreSQL agent API's sessions: `/login` gives a 64-hex id that the client sends back
 * in `X-Session`. Only its hash is stored; it expires after an hour unused and with its user.
 */
export class AgentSessions {
  constructor(
    private readonly repo: UsersRepo,
    private readonly now: () => number = Date.now
  ) {}

  open(username: string): string {
    const id = randomBytes(32).toString('hex')
    const now = this.now()
    this.repo.purgeSessions(now)
    this.repo.addSession(hashOf(id), username, now, now + AGENT_SESSION_IDLE_MS)
    return id
  }

  /** The session's user, or null when it is unknown or expired; a valid one is extended. */
  resolve(id: string): string | null {
    const hash = hashOf(id)
    const session = this.repo.session(hash)
    const now = this.now()
    if (!session || session.expires_at <= now) return null
    this.repo.extendSession(hash, now + AGENT_SESSION_IDLE_MS)
    return session.username
  }

  close(id: string): boolean {
    return this.repo.removeSession(hashOf(id))
  }
}
