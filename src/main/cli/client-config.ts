// The client commands' own settings (`vigil config`, `vigil auth`): which Vigil to talk to and the
// token to talk with. Kept apart from the server's data dir — a laptop that only talks to a jump
// host's Vigil has no data dir, and the data dir's owner token is not a user's token. The file
// holds bearer tokens, so it is written 0600 in a 0700 folder, atomically.
import { chmodSync, existsSync, mkdirSync, readFileSync } from 'node:fs'
import { homedir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { DEFAULT_HOST, DEFAULT_PORT } from '../base/locations'
import { replacePrivateFile } from '../base/security/private-file'
import { usageError } from './exit-codes'

/** A token `vigil auth login` stored, for the server it was made by. */
export interface StoredCredential {
  token: string
  /** Null for a token stored with --token-stdin that is not a user's (the owner token). */
  username: string | null
  name: string | null
  expires_at: string | null
}

export interface ClientConfig {
  url?: string
  /** A PEM file trusted for an https URL (a self-signed certificate, or a private CA). */
  ca?: string
  /** By server URL: a token is only ever sent to the server that issued it. */
  credentials?: Record<string, StoredCredential>
}

/** The keys `vigil config set|get|unset` know. */
export const CONFIG_KEYS = ['url', 'ca'] as const
export type ConfigKey = (typeof CONFIG_KEYS)[number]

export const DEFAULT_URL = `http://${DEFAULT_HOST}:${DEFAULT_PORT}`

/** $VIGIL_CLI_CONFIG, else $XDG_CONFIG_HOME/vigil/cli.json, else ~/.config/vigil/cli.json. */
export function configFile(env: NodeJS.ProcessEnv = process.env): string {
  if (env.VIGIL_CLI_CONFIG) return env.VIGIL_CLI_CONFIG
  return join(env.XDG_CONFIG_HOME || join(homedir(), '.config'), 'vigil', 'cli.json')
}

export function loadConfig(file: string): ClientConfig {
  if (!existsSync(file)) return {}
  try {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as unknown
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('not a JSON object')
    return parsed as ClientConfig
  } catch (error) {
    throw usageError(`${file} is not a valid CLI config (${(error as Error).message}); fix or delete it`)
  }
}

export function saveConfig(file: string, config: ClientConfig): void {
  const dir = dirname(file)
  // 0700 whatever the umask when we make it; a folder that was there (~/.config, or wherever
  // $VIGIL_CLI_CONFIG points) is the user's and keeps its mode: the file itself is 0600.
  if (mkdirSync(dir, { recursive: true, mode: 0o700 }) !== undefined) chmodSync(dir, 0o700)
  replacePrivateFile(file, JSON.stringify(config, null, 2) + '\n')
}

/**
 * A URL as the key of its credentials and as the base of every request: scheme, host, port and
 * path, without a trailing slash, so `http://h:7420/` and `http://h:7420` are one server.
 */
export function normalizeUrl(text: string): string {
  let url: URL
  try {
    url = new URL(text)
  } catch {
    throw usageError(`'${text}' is not a URL (e.g. https://jump.example.net:7420)`)
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw usageError(`'${text}' must be an http:// or https:// URL`)
  if (url.username || url.password) throw usageError('Put no credentials in the URL: use vigil auth login')
  if (url.search || url.hash) throw usageError(`'${text}' must not carry a query or fragment`)
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`
}

/** Who to talk to and with what, after flags and environment: --url > $VIGIL_URL > config > default. */
export interface Target {
  url: string
  /** Where the URL came from, for messages (`--url`, `$VIGIL_URL`, the config file, the default). */
  urlSource: string
  token: string | null
  tokenSource: string | null
  ca: string | null
}

/** A readable PEM certificate (--ca, `config set ca`), as an absolute path: the commands run from anywhere. */
export function caFile(value: string): string {
  const file = resolve(value)
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch (error) {
    throw usageError(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`)
  }
  if (!text.includes('-----BEGIN CERTIFICATE-----')) throw usageError(`${file} holds no PEM certificate`)
  return file
}

export function resolveTarget(config: ClientConfig, flags: { url?: string; ca?: string }, env: NodeJS.ProcessEnv, file: string): Target {
  const [rawUrl, urlSource] =
    flags.url !== undefined ? [flags.url, '--url'] : env.VIGIL_URL ? [env.VIGIL_URL, '$VIGIL_URL'] : config.url ? [config.url, file] : [DEFAULT_URL, 'the default']
  const url = normalizeUrl(rawUrl)
  // $VIGIL_TOKEN wins, as the spec's "use environment variables for tokens" asks of scripts.
  const stored = config.credentials?.[url]
  const [token, tokenSource] = env.VIGIL_TOKEN ? [env.VIGIL_TOKEN.trim(), '$VIGIL_TOKEN'] : stored ? [stored.token, file] : [null, null]
  const ca = flags.ca ?? config.ca
  return { url, urlSource, token, tokenSource, ca: ca === undefined ? null : caFile(ca) }
}
