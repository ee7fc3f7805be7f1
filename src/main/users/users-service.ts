import { AppError } from '../../shared/errors'
import { hashPassword, verifyPassword } from '../base/security/passwords'
import { DEFAULT_LOGIN_LIMITS, LoginThrottle } from './login-throttle'
import type { UsersRepo } from './users-repo'

export const USERNAME_PATTERN = /^[A-Za-z0-9_.@-]{1,64}$/
export const MIN_PASSWORD_LENGTH = 8
const MAX_PASSWORD_LENGTH = 1024

/** Vigil's users: who may log in to the PostgreSQL agent API and whose name goes in the audit trail. */
export class UsersService {
  // Spent on unknown usernames too, so a login's timing does not tell which names exist.
  private readonly dummyHash = hashPassword('not a password of anyone')

  constructor(
    private readonly repo: UsersRepo,
    private readonly now: () => number = Date.now,
    private readonly throttle: LoginThrottle = new LoginThrottle(DEFAULT_LOGIN_LIMITS, now)
  ) {}

  list(): Array<{ username: string; created_at: string; updated_at: string }> {
    return this.repo.list().map((row) => ({
      username: row.username,
      created_at: new Date(row.created_at).toISOString(),
      updated_at: new Date(row.updated_at).toISOString()
    }))
  }

  async add(username: string, password: string): Promise<void> {
    checkUsername(username)
    checkPassword(password)
    if (this.repo.get(username)) throw AppError.invalidField('username', `user '${username}' already exists`)
    const now = this.now()
    this.repo.insert({ username, password_hash: await hashPassword(password), created_at: now, updated_at: now })
  }

  /** Sets a new password; the user's open sessions end. */
  async setPassword(username: string, password: string): Promise<void> {
    checkPassword(password)
    if (!this.repo.get(username)) throw new AppError('not_found', `No user '${username}'`)
    this.repo.setPassword(username, await hashPassword(password), this.now())
  }

  remove(username: string): void {
    if (!this.repo.remove(username)) throw new AppError('not_found', `No user '${username}'`)
  }

  /**
   * A login attempt from `client` (its address): refused at once with too_many_requests while
   * the client or the user is backing off after failures (see LoginThrottle), or while too many
   * password checks are running; otherwise whether the pair is a user's, in the same time for an
   * unknown user as for a wrong password. Every password login Vigil has goes through here.
   */
  async login(username: string, password: string, client: string): Promise<boolean> {
    this.throttle.check(client, username)
    const valid = await this.authenticate(username, password)
    if (valid) this.throttle.succeeded(client, username)
    else this.throttle.failed(client, username)
    return valid
  }

  /** Whether the pair is a user's; false for an unknown user as for a wrong password. Not throttled: use login(). */
  async authenticate(username: string, password: string): Promise<boolean> {
    const row = this.repo.get(username)
    if (!row) {
      await verifyPassword(password, await this.dummyHash)
      return false
    }
    return verifyPassword(password, row.password_hash)
  }
}

function checkUsername(username: string): void {
  if (!USERNAME_PATTERN.test(username)) throw AppError.invalidField('username', 'must be 1 to 64 letters, digits, or . _ @ -')
}

function checkPassword(password: string): void {
  if (password.length < MIN_PASSWORD_LENGTH || password.length > MAX_PASSWORD_LENGTH) {
    throw AppError.invalidField('password', `must be at least ${MIN_PASSWORD_LENGTH} characters`)
  }
}
