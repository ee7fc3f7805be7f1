import { AppError } from '../../shared/errors'
import type { CreateUser, Permission, UpdateUser, UserDto } from '../../shared/teams'
import { hashPassword, verifyPassword } from '../base/security/passwords'
import { DEFAULT_LOGIN_LIMITS, LoginThrottle } from './login-throttle'
import { normalise, userPermissions, userPrincipal, type Principal } from './permissions'
import type { UserRecord, UsersRepo } from './users-repo'

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

  // The Users API (webops-api.md): users by numeric id, with email, is_staff and permissions.

  page(page: number, perPage: number): { users: UserDto[]; total: number } {
    return { users: this.repo.records(perPage, (page - 1) * perPage).map(userDto), total: this.repo.count() }
  }

  get(id: number): UserDto {
    return userDto(this.record(id))
  }

  /** Input already checked against CreateUserSchema. */
  async create(input: CreateUser): Promise<UserDto> {
    const permissions = grantable(input.permissions ?? [], input.is_staff ?? false)
    if (this.repo.get(input.username)) throw AppError.invalidField('username', `user '${input.username}' already exists`)
    const now = this.now()
    const id = this.repo.insert({
      username: input.username,
      password_hash: await hashPassword(input.password),
      email: input.email ?? '',
      is_staff: input.is_staff ?? false,
      permissions,
      created_at: now,
      updated_at: now
    })
    return this.get(id)
  }

  /** Input already checked against UpdateUserSchema; a new password ends the user's sessions and tokens. */
  async update(id: number, input: UpdateUser): Promise<UserDto> {
    const current = this.record(id)
    if (input.username !== undefined && input.username !== current.username) throw AppError.invalidField('username', 'cannot be changed')
    const isStaff = input.is_staff ?? current.is_staff === 1
    // Sent permissions must suit the user; a demotion alone drops the users area it no longer allows.
    const permissions =
      input.permissions !== undefined
        ? grantable(input.permissions, isStaff)
        : isStaff
          ? undefined
          : normalise(JSON.parse(current.permissions) as string[]).filter((permission) => !permission.startsWith('users'))
    const passwordHash = input.password === undefined ? undefined : await hashPassword(input.password)
    this.repo.update(id, { email: input.email, is_staff: input.is_staff, permissions, password_hash: passwordHash }, this.now())
    return this.get(id)
  }

  removeById(id: number): void {
    this.remove(this.record(id).username)
  }

  /** What the user may do now (every area for is_staff), or null if there is no such user. */
  permissionsOfUser(username: string): { isStaff: boolean; permissions: Set<Permission> } | null {
    const row = this.repo.recordByName(username)
    if (!row) return null
    return { isStaff: row.is_staff === 1, permissions: userPermissions(row.is_staff === 1, JSON.parse(row.permissions) as string[]) }
  }

  /** A user as a caller acting in their own name (a password-opened session, a webhook's creator): null once they are gone. */
  principalOf(username: string): Principal | null {
    const held = this.permissionsOfUser(username)
    return held ? userPrincipal(username, held) : null
  }

  private record(id: number): UserRecord {
    const row = Number.isSafeInteger(id) ? this.repo.record(id) : undefined
    if (!row) throw new AppError('not_found', `User ${id} not found`)
    return row
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

function userDto(row: UserRecord): UserDto {
  return {
    id: row.id,
    username: row.username,
    email: row.email,
    is_staff: row.is_staff === 1,
    permissions: normalise(JSON.parse(row.permissions) as string[]),
    created_at: new Date(row.created_at).toISOString(),
    updated_at: new Date(row.updated_at).toISOString()
  }
}

/** Permissions as stored: normalised; the users area only for is_staff (who has it anyway). */
function grantable(permissions: readonly string[], isStaff: boolean): Permission[] {
  const result = normalise(permissions)
  if (!isStaff && result.some((permission) => permission.startsWith('users'))) {
    throw AppError.invalidField('permissions', "the users area is for is_staff users only; set is_staff instead")
  }
  return result
}

function checkUsername(username: string): void {
  if (!USERNAME_PATTERN.test(username)) throw AppError.invalidField('username', 'must be 1 to 64 letters, digits, or . _ @ -')
}

function checkPassword(password: string): void {
  if (password.length < MIN_PASSWORD_LENGTH || password.length > MAX_PASSWORD_LENGTH) {
    throw AppError.invalidField('password', `must be at least ${MIN_PASSWORD_LENGTH} characters`)
  }
}
