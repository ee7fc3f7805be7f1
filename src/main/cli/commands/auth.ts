// `vigil auth login|status|logout`: a user's vgl_ token from /api/v1/auth/token/ (webops-api.md's
// "Authentication"), kept in the CLI config for the server that issued it.
import { hostname, userInfo } from 'node:os'
import { saveConfig, type StoredCredential } from '../client-config'
import { commandContext, integerOption, stringOption, type ClientContext } from '../context'
import { CliError, EXIT, usageError } from '../exit-codes'
import { ask, readAllStdin, readPassword } from '../prompt'
import { formatPairs } from '../tables'

export const AUTH_HELP = `  vigil auth login [--username U] [--token-name N] [--expires-in SECONDS] | login --token-stdin
      Log in: asks for the password (without echo; piped on stdin by a script:
      echo "$PW" | vigil auth login --username alice) and stores the vgl_ token made for it
      (POST /api/v1/auth/token/) in the CLI config, 0600. --token-stdin stores a token you have,
      e.g. the owner token: vigil token | vigil auth login --token-stdin
  vigil auth status | logout
      What the token in use may do (GET /api/v1/auth/verify/); logout revokes it and forgets it.`

interface CreatedToken {
  token: string
  name: string
  expires_at: string
  permissions: string[]
}

interface VerifiedToken {
  valid: boolean
  kind: 'owner' | 'api_token'
  username: string | null
  is_staff: boolean
  permissions: string[]
  name: string | null
  expires_at: string | null
}

const OPTIONS = {
  username: { type: 'string', short: 'u' },
  'token-name': { type: 'string' },
  'expires-in': { type: 'string' },
  'token-stdin': { type: 'boolean' }
} as const

export async function authCommand(args: string[]): Promise<number> {
  const ctx = commandContext(args, OPTIONS, 'vigil auth')
  if (ctx.values.help) return (ctx.out(`Usage:\n${AUTH_HELP}`), EXIT.ok)
  const [action, ...rest] = ctx.positionals
  if (rest.length) throw usageError(`unexpected '${rest.join(' ')}' after vigil auth ${action}`)
  switch (action) {
    case 'login':
      return ctx.values['token-stdin'] ? storeGivenToken(ctx) : login(ctx)
    case 'status':
      return status(ctx)
    case 'logout':
      return logout(ctx)
    default:
      throw usageError(action === undefined ? 'vigil auth needs login, status or logout' : `unknown action 'vigil auth ${action}'`)
  }
}

async function login(ctx: ClientContext): Promise<number> {
  const expiresIn = integerOption(ctx.values, 'expires-in', 60, 90 * 86400)
  let username = stringOption(ctx.values, 'username')
  if (username === undefined) {
    // Piped stdin is the password: the name must come as a flag then.
    if (!process.stdin.isTTY) throw usageError('--username is needed when the password comes on stdin')
    username = await ask(`Username for ${ctx.target.url}: `)
  }
  if (username === '') throw usageError('a username is needed')
  const password = await readPassword(`Password for ${username}: `, process.stderr)
  if (password === '') throw usageError('a password is needed (none came on stdin)')
  const name = stringOption(ctx.values, 'token-name') ?? `vigil CLI (${userInfo().username}@${hostname()})`
  const { data } = await ctx.api.request<{ data: CreatedToken }>('POST', '/api/v1/auth/token/', {
    anonymous: true,
    body: { username, password, name, ...(expiresIn === undefined ? {} : { expires_in: expiresIn }) }
  })
  remember(ctx, { token: data.token, username, name: data.name, expires_at: data.expires_at })
  if (ctx.json) ctx.printJson({ url: ctx.target.url, username, name: data.name, expires_at: data.expires_at, permissions: data.permissions })
  else ctx.out(`Logged in to ${ctx.target.url} as ${username}: token '${data.name}', until ${data.expires_at} (${data.permissions.join(', ') || 'no permissions'}); stored in ${ctx.configFile}`)
  return EXIT.ok
}

/** A token given on stdin, checked with the server before it is stored (a typo must not be kept). */
async function storeGivenToken(ctx: ClientContext): Promise<number> {
  if (process.stdin.isTTY) throw usageError('--token-stdin reads the token from stdin: vigil token | vigil auth login --token-stdin')
  const token = (await readAllStdin()).trim()
  if (token === '') throw usageError('no token came on stdin')
  const verified = await verify(ctx, token)
  remember(ctx, { token, username: verified.username, name: verified.name, expires_at: verified.expires_at })
  if (ctx.json) ctx.printJson({ url: ctx.target.url, ...verified })
  else ctx.out(`Stored the ${verified.kind === 'owner' ? 'owner token' : `token of ${verified.username}`} for ${ctx.target.url} in ${ctx.configFile}`)
  return EXIT.ok
}

async function status(ctx: ClientContext): Promise<number> {
  const verified = await verify(ctx)
  if (ctx.json) {
    ctx.printJson(verified)
    return EXIT.ok
  }
  ctx.out(
    formatPairs([
      ['url', ctx.target.url],
      ['token', `from ${ctx.target.tokenSource}`],
      ['kind', verified.kind === 'owner' ? 'owner (admin everywhere)' : 'user token'],
      ['user', verified.username === null ? null : `${verified.username}${verified.is_staff ? ' (staff)' : ''}`],
      ['name', verified.name],
      ['expires', verified.expires_at ?? 'never'],
      ['permissions', verified.permissions.join(', ') || 'none']
    ])
  )
  return EXIT.ok
}

async function logout(ctx: ClientContext): Promise<number> {
  const stored = ctx.config.credentials?.[ctx.target.url]
  const token = ctx.target.token
  if (!token) throw new CliError(EXIT.unauthenticated, `not logged in to ${ctx.target.url}`)
  // The owner token cannot be revoked (it is the server's own): only forgotten.
  const revocable = token.startsWith('vgl_')
  if (revocable) {
    try {
      await ctx.api.request('DELETE', `/api/v1/auth/token/${encodeURIComponent(token)}/`)
    } catch (error) {
      // Already expired or revoked: nothing left to revoke, forget it all the same.
      if (!(error instanceof CliError && error.exitCode === EXIT.unauthenticated)) throw error
    }
  }
  if (stored && stored.token === token) {
    delete ctx.config.credentials?.[ctx.target.url]
    saveConfig(ctx.configFile, ctx.config)
  }
  const what = ctx.target.tokenSource === '$VIGIL_TOKEN' ? 'the token in $VIGIL_TOKEN' : 'the stored token'
  if (ctx.json) ctx.printJson({ url: ctx.target.url, revoked: revocable })
  else ctx.out(`Logged out of ${ctx.target.url}: ${revocable ? 'revoked' : 'forgot'} ${what}`)
  return EXIT.ok
}

async function verify(ctx: ClientContext, token?: string): Promise<VerifiedToken> {
  const api = token === undefined ? ctx.api : ctx.api.withToken(token)
  return (await api.request<{ data: VerifiedToken }>('GET', '/api/v1/auth/verify/')).data
}

function remember(ctx: ClientContext, credential: StoredCredential): void {
  ctx.config.credentials = { ...ctx.config.credentials, [ctx.target.url]: credential }
  saveConfig(ctx.configFile, ctx.config)
}
