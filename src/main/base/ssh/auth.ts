// Credentials for one server: the private key read and decrypted up front (so a wrong
// passphrase is reported as such, not as a refused login), and an authentication handler that
// offers only what the server accepts and records what it tried.
import { readFile } from 'node:fs/promises'
import { homedir } from 'node:os'
import { join } from 'node:path'
import { utils, type AnyAuthMethod, type AuthenticationType, type AuthHandlerMiddleware, type ParsedKey } from 'ssh2'
import type { AuthLog, ConnectFailure } from './errors'
import type { ResolvedSshOptions } from './types'
import { messageOf } from '../text'

export interface Credentials {
  password?: string
  key?: { path: string; parsed: ParsedKey }
  agentSocket?: string
}

/** `~` and `~/…` name the home directory of the user running Vigil. */
export function expandHome(path: string, home: string = homedir()): string {
  if (path === '~') return home
  if (path.startsWith('~/')) return join(home, path.slice(2))
  return path
}

type Loaded = { ok: true; credentials: Credentials } | { ok: false; failure: ConnectFailure }

function credentialFailure(message: string): Loaded {
  return { ok: false, failure: { state: 'auth_failed', message, retry: false } }
}

function fileErrorText(err: unknown): string {
  const code = (err as { code?: unknown }).code
  if (code === 'ENOENT') return 'no such file'
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied'
  if (code === 'EISDIR') return 'it is a directory'
  return messageOf(err)
}

async function loadPrivateKey(path: string, passphrase: string | undefined): Promise<{ ok: true; parsed: ParsedKey } | { ok: false; message: string }> {
  let text: Buffer
  try {
    text = await readFile(path)
  } catch (err) {
    return { ok: false, message: `Cannot read private key file ${path}: ${fileErrorText(err)}` }
  }
  const parsed = utils.parseKey(text, passphrase === '' ? undefined : passphrase)
  if (parsed instanceof Error) {
    if (/no passphrase given/i.test(parsed.message)) return { ok: false, message: `Private key ${path} is encrypted: set its passphrase` }
    if (/bad passphrase|integrity check failed/i.test(parsed.message)) {
      return { ok: false, message: `Cannot decrypt private key ${path}: wrong passphrase` }
    }
    return { ok: false, message: `Cannot use private key ${path}: ${parsed.message}` }
  }
  // OpenSSH's format can hold several keys; it only ever stores one.
  const key = Array.isArray(parsed) ? (parsed[0] as ParsedKey | undefined) : parsed
  if (!key) return { ok: false, message: `Private key file ${path} holds no key` }
  if (!key.isPrivateKey()) return { ok: false, message: `${path} is a public key: give the private key file` }
  return { ok: true, parsed: key }
}

/** Reads what the options point at; any problem is an auth_failed that waits for new settings. */
export async function loadCredentials(options: ResolvedSshOptions, env: NodeJS.ProcessEnv = process.env): Promise<Loaded> {
  const credentials: Credentials = {}
  if (options.password !== undefined && options.password !== '') credentials.password = options.password
  if (options.privateKeyPath !== undefined && options.privateKeyPath !== '') {
    const path = expandHome(options.privateKeyPath)
    const key = await loadPrivateKey(path, options.passphrase)
    if (!key.ok) return credentialFailure(key.message)
    credentials.key = { path, parsed: key.parsed }
  }
  if (options.useAgent) {
    const socket = env.SSH_AUTH_SOCK
    if (socket) credentials.agentSocket = socket
    else if (!credentials.password && !credentials.key) {
      return credentialFailure(`No credentials for user '${options.username}': no password or key is set, and no SSH agent runs (SSH_AUTH_SOCK is not set)`)
    }
  }
  if (!credentials.password && !credentials.key && !credentials.agentSocket) {
    return credentialFailure(`No credentials for user '${options.username}': set a password or a private key`)
  }
  return { ok: true, credentials }
}

interface Candidate {
  /** How the attempt is named in messages. */
  label: string
  /** The method name the server lists in its answers. */
  serverMethod: AuthenticationType
  method: AnyAuthMethod
}

function candidatesFor(username: string, credentials: Credentials): Candidate[] {
  const list: Candidate[] = []
  if (credentials.key) {
    list.push({ label: 'publickey', serverMethod: 'publickey', method: { type: 'publickey', username, key: credentials.key.parsed } })
  }
  if (credentials.agentSocket) {
    list.push({ label: 'agent', serverMethod: 'publickey', method: { type: 'agent', username, agent: credentials.agentSocket } })
  }
  const password = credentials.password
  if (password !== undefined) {
    list.push({ label: 'password', serverMethod: 'password', method: { type: 'password', username, password } })
    // Servers that route passwords through PAM often offer only keyboard-interactive.
    list.push({
      label: 'keyboard-interactive',
      serverMethod: 'keyboard-interactive',
      method: {
        type: 'keyboard-interactive',
        username,
        prompt: (_name, _instructions, _lang, prompts, finish) => finish(prompts.map((p) => (p.echo ? '' : password)))
      }
    })
  }
  return list
}

export function newAuthLog(credentials: Credentials | null): AuthLog {
  const configured: string[] = []
  if (credentials?.key) configured.push('publickey')
  if (credentials?.agentSocket) configured.push('agent')
  if (credentials?.password !== undefined) configured.push('password')
  return { configured, tried: [], serverMethods: null, passwordExpired: false }
}

/**
 * Asks with `none` first to learn which methods the server accepts, then offers each configured
 * method the server accepts, once. A password is sent by keyboard-interactive only when the
 * server does not take it as `password`, so a wrong password counts as one failure, not two.
 */
export function makeAuthHandler(username: string, credentials: Credentials, log: AuthLog): AuthHandlerMiddleware {
  const remaining = candidatesFor(username, credentials)
  let askedNone = false
  return (methodsLeft, _partialSuccess, next) => {
    if (!askedNone) {
      askedNone = true
      next({ type: 'none', username })
      return
    }
    // ssh2 passes null before the server's first answer, despite its typings.
    const allowed: AuthenticationType[] | null = Array.isArray(methodsLeft) ? methodsLeft : null
    if (allowed) log.serverMethods = [...allowed]
    while (remaining.length > 0) {
      const candidate = remaining.shift() as Candidate
      if (allowed && !allowed.includes(candidate.serverMethod)) continue
      if (candidate.label === 'keyboard-interactive' && log.tried.includes('password')) continue
      log.tried.push(candidate.label)
      next(candidate.method)
      return
    }
    next(false as unknown as AnyAuthMethod)
  }
}
