// The contract's users.* and tokens.* channels (Settings → Users and Tokens): the same services
// and rules as the Users API and POST /api/v1/auth/token/, with the caller the handlers are given.
import { AppError } from '../../shared/errors'
import { CreateOwnTokenSchema, UpdateUserSchema, type CreateOwnToken, type UpdateUser, type UserDto } from '../../shared/teams'
import type { Req, Res } from '../../shared/contract'
import type { AuditTrail } from '../audit'
import { validated } from '../base/validated'
import type { ApiTokens } from './api-tokens'
import { allows, type Principal } from './permissions'
import type { UsersService } from './users-service'

type UserChannel = 'users.list' | 'users.add' | 'users.setPassword' | 'users.update' | 'users.remove' | 'tokens.list' | 'tokens.create' | 'tokens.revoke' | 'auth.rotateOwnerToken'
type UserHandlers = { [C in UserChannel]: (req: Req<C>, caller: Principal) => Res<C> | Promise<Res<C>> }

/** Every user, by id (Vigil's teams are small: one page of the Users API's largest). */
const everyone = (users: UsersService): UserDto[] => users.page(1, 10_000).users

/** Makes a new owner token and returns it, ending the owner's browser sessions but the one named (app.ts). */
export type RotateOwnerToken = (keepSessionHash: string | null) => string

export function userChannels(users: UsersService, tokens: ApiTokens, audit: AuditTrail, rotateOwnerToken: RotateOwnerToken): UserHandlers {
  /** An admin sees and revokes everyone's tokens; anyone else their own (null: all). */
  const tokensOf = (caller: Principal): string | null => (allows(caller, 'users', 'write') ? null : (caller.username ?? ''))
  return {
    'users.list': () => everyone(users),
    'users.add': async ({ username, password }, caller) => {
      await users.add(String(username ?? ''), String(password ?? ''))
      audit.record(caller.actor, null, `Created user ${String(username)}`)
      return everyone(users)
    },
    'users.setPassword': async ({ username, password }, caller) => {
      await users.setPassword(String(username ?? ''), String(password ?? ''))
      audit.record(caller.actor, null, `Changed the password of ${String(username)} (sessions and tokens ended)`)
      return everyone(users)
    },
    'users.update': async ({ id, changes }, caller) => {
      const user = await users.update(Number(id), validated<UpdateUser>(UpdateUserSchema, changes))
      audit.record(caller.actor, null, `Updated user ${user.username}: ${user.is_staff ? 'staff' : user.permissions.join(', ') || 'no permissions'}`)
      return everyone(users)
    },
    'users.remove': ({ username }, caller) => {
      users.remove(String(username ?? ''))
      audit.record(caller.actor, null, `Deleted user ${String(username)} and their tokens`)
      return everyone(users)
    },
    'tokens.list': (_req, caller) => tokens.list(tokensOf(caller)),
    'tokens.create': (input, caller) => {
      // A token is minted on a password: here the one the user's session was opened with. A token
      // does not mint tokens, and the owner has the API token (tokens belong to users).
      if (caller.kind !== 'session' || caller.username === null) {
        throw new AppError('forbidden', 'API tokens belong to users: log in with your username and password to make one (the owner has the API token).')
      }
      const wanted = validated<CreateOwnToken>(CreateOwnTokenSchema, input ?? {})
      const created = tokens.create({ username: caller.username, ...wanted })
      audit.record(caller.actor, null, `Created API token '${created.name}' (${created.permissions.join(', ') || 'no permissions'}), expiring ${created.expires_at}`)
      return created
    },
    'auth.rotateOwnerToken': (_req, caller) => {
      const token = rotateOwnerToken(caller.sessionHash ?? null)
      audit.record(caller.actor, null, "Rotated the owner's API token (the old one and the owner's other browser sessions ended)")
      return { token }
    },
    'tokens.revoke': ({ id }, caller) => {
      const revoked = tokens.revokeById(Number(id), tokensOf(caller))
      audit.record(caller.actor, null, `Revoked API token '${revoked.name}' of ${revoked.username}`)
      return tokens.list(tokensOf(caller))
    }
  }
}
