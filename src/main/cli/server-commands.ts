// `vigil`'s server commands — serve, login-url, token, users, import-metrics — which work on a
// data dir and load all of Vigil's core. cli.ts loads this module only when one of them runs, so
// the client commands start without it.
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { version } from '../../../package.json'
import { createApp, DB_FILE } from '../app'
import { limitHeapGrowth } from '../heap-growth'
import { IMPORT_HELP, importMetricsCommand } from '../cli-import'
import { USERS_HELP, usersCommand } from '../cli-users'
import { CLIENT_HELP } from './client'
import { DEFAULT_HOST, DEFAULT_PORT, defaultDataDir, resolveConfig, SERVE_FILE } from '../config'
import { loadOrCreateApiToken } from '../base/security/api-token'
import { receiverUrl } from '../prometheus'
import type { RemoteWriteInput } from '../../shared/remote-write'
import { Authenticator } from '../base/security/browser-auth'
import { MAX_TOP_PROCESSES, DEFAULT_RETENTION } from '../metrics'
import { createAuthRepo } from '../base/security/auth-repo'
import { openDb } from '../base/db/db'
import { replacePrivateFile } from '../base/security/private-file'
import { loadOrCreateSelfSigned, loadTlsFiles, TLS_CERT_FILE, TlsSetupError, type TlsIdentity } from '../base/security/tls-certificate'
import { messageOf } from '../base/text'

const HELP = `Vigil ${version} — operations console

Server commands (on the machine that keeps the data dir):
  vigil serve [--port N] [--host ADDR] [--data-dir DIR] [--allow-host NAME]... [--retention-days N]
              [--top-processes N] [--tls | --tls-cert FILE --tls-key FILE] [--log]
              [--remote-write URL [--remote-write-token-file FILE]]
      Run headless: the API and the web UI on http://ADDR:N (default ${DEFAULT_HOST}:${DEFAULT_PORT}).
      --port 0 picks a free port. --allow-host adds a name the Host header may carry
      (needed when a team reaches a jump host by its DNS name). --tls serves HTTPS (and wss://)
      with a self-signed certificate made on first use and kept in the data dir (${TLS_CERT_FILE});
      --tls-cert/--tls-key serve your own (PEM). Either way the certificate's SHA-256
      fingerprint is printed, for clients to pin. --retention-days sets how
      long raw samples are kept (default ${DEFAULT_RETENTION.rawDays}; roll-ups: 1-minute ${DEFAULT_RETENTION.minuteRollupDays} days, 1-hour ${DEFAULT_RETENTION.hourRollupDays} days).
      --top-processes sets how many of the busiest processes each ps snapshot keeps (default 20).
      --remote-write pushes every stored series to a Prometheus remote-write receiver (e.g.
      http://prometheus:9090/api/v1/write), from now on, and remembers it (as Settings does);
      --remote-write-token-file names a file holding its bearer token.
      A data dir of an earlier Vigil is upgraded in the background at start, with 'upgrade:'
      progress lines; $VIGIL_UPGRADE_ROWS_PER_TRANSACTION and $VIGIL_UPGRADE_PAUSE_MS pace it.
  vigil login-url [--data-dir DIR]
      Print a fresh one-time login URL for the running 'vigil serve'.
  vigil token [--data-dir DIR]
      Print the API token (for scripts: curl -H "Authorization: Bearer $(vigil token)").
${USERS_HELP}
${IMPORT_HELP}

The data directory defaults to ${defaultDataDir()} (or $VIGIL_DATA_DIR).

${CLIENT_HELP}
`

/** `shellDir`: the folder of the `vigil` entry (out/main once built), beside which the built UI lies. */
export async function runServerCommand(argv: string[], shellDir: string): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      'data-dir': { type: 'string' },
      'allow-host': { type: 'string', multiple: true },
      'retention-days': { type: 'string' },
      'top-processes': { type: 'string' },
      tls: { type: 'boolean' },
      'tls-cert': { type: 'string' },
      'tls-key': { type: 'string' },
      log: { type: 'boolean' },
      'remote-write': { type: 'string' },
      'remote-write-token-file': { type: 'string' },
      format: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
      version: { type: 'boolean', short: 'v' }
    }
  })
  if (values.version) return print(version)
  const command = positionals[0]
  if (values.help || !command) return print(HELP)
  const dataDir = resolve(values['data-dir'] ?? defaultDataDir())

  switch (command) {
    case 'serve':
      return serve(dataDir, shellDir, values)
    case 'login-url':
      return printLoginUrl(dataDir)
    case 'token':
      return print(loadOrCreateApiToken(dataDir))
    case 'users':
      return usersCommand(dataDir, positionals.slice(1))
    case 'import-metrics':
      return importMetricsCommand(dataDir, positionals[1], values.format)
    default:
      process.stderr.write(`Unknown command '${command}'.\n\n${HELP}`)
      return 2
  }
}

/** --remote-write and its token file, checked before anything starts. */
function remoteWriteFlags(url: string | undefined, tokenFile: string | undefined): RemoteWriteInput | undefined {
  if (url === undefined) {
    if (tokenFile !== undefined) throw new Error('--remote-write-token-file goes with --remote-write URL')
    return undefined
  }
  try {
    receiverUrl(url)
  } catch (error) {
    throw new Error(`--remote-write: ${messageOf(error)}`)
  }
  if (tokenFile === undefined) return { url }
  let token: string
  try {
    token = readFileSync(tokenFile, 'utf8').trim()
  } catch (error) {
    throw new Error(`--remote-write-token-file: cannot read ${tokenFile}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`)
  }
  if (token === '') throw new Error(`--remote-write-token-file: ${tokenFile} is empty`)
  return { url, bearerToken: token }
}

async function serve(
  dataDir: string,
  shellDir: string,
  values: {
    port?: string
    host?: string
    'allow-host'?: string[]
    'retention-days'?: string
    'top-processes'?: string
    tls?: boolean
    'tls-cert'?: string
    'tls-key'?: string
    log?: boolean
    'remote-write'?: string
    'remote-write-token-file'?: string
  }
): Promise<number> {
  const topProcesses = values['top-processes'] === undefined ? 20 : Number(values['top-processes'])
  if (!Number.isInteger(topProcesses) || topProcesses < 1 || topProcesses > MAX_TOP_PROCESSES) {
    process.stderr.write(`--top-processes must be a whole number from 1 to ${MAX_TOP_PROCESSES}, not '${values['top-processes']}'\n`)
    return 2
  }
  const rawDays = values['retention-days'] === undefined ? DEFAULT_RETENTION.rawDays : Number(values['retention-days'])
  if (!Number.isInteger(rawDays) || rawDays < 1 || rawDays > 3650) {
    process.stderr.write(`--retention-days must be a whole number of days from 1 to 3650, not '${values['retention-days']}'\n`)
    return 2
  }
  const port = values.port === undefined ? DEFAULT_PORT : Number(values.port)
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    process.stderr.write(`--port must be an integer from 0 to 65535, not '${values.port}'\n`)
    return 2
  }
  const host = values.host ?? DEFAULT_HOST
  let remoteWrite: RemoteWriteInput | undefined
  try {
    remoteWrite = remoteWriteFlags(values['remote-write'], values['remote-write-token-file'])
  } catch (error) {
    process.stderr.write(`${messageOf(error)}\n`)
    return 2
  }
  let tls: TlsIdentity | null
  try {
    tls = tlsIdentity(dataDir, values, [host, ...(values['allow-host'] ?? [])])
  } catch (error) {
    if (!(error instanceof TlsSetupError)) throw error
    process.stderr.write(`${error.message}\n`)
    return 2
  }
  const config = resolveConfig({
    dataDir,
    port,
    host,
    tls: tls && { cert: tls.cert, key: tls.key },
    allowedHosts: values['allow-host'] ?? [],
    rendererDir: existingDir(join(shellDir, '..', 'renderer')),
    vendorDir: existingDir(join(shellDir, '..', 'vendor')),
    version,
    logRequests: values.log ?? false,
    retention: { ...DEFAULT_RETENTION, rawDays },
    topProcesses,
    remoteWrite
  })
  limitHeapGrowth()
  // The upgrade's lines (a data dir of an earlier Vigil) may come before the banner below.
  const app = await createApp(config, { onUpgradeLine: (line) => process.stdout.write(`${line}\n`) })
  const url = await app.listen()
  // The certificate goes with the URL, so the commands that reach this server (import-metrics) pin it.
  const serveTls = tls && { fingerprint256: tls.fingerprint256, cert: tls.cert }
  replacePrivateFile(join(dataDir, SERVE_FILE), JSON.stringify({ url, pid: process.pid, tls: serveTls }) + '\n')
  const loginUrl = `${url}/auth/login?code=${app.auth.createLoginCode()}`
  process.stdout.write(
    [
      `Vigil ${version} listening on ${url}`,
      `  data dir:  ${dataDir}`,
      `  API token: ${app.apiToken}`,
      `  log in:    ${loginUrl}   (one-time link, valid 15 minutes; 'vigil login-url' makes another)`,
      `  log file:  ${app.logFile}`,
      ...(tls ? tlsLines(tls) : []),
      ...app.notices.map((notice) => `  note:      ${notice}`),
      config.rendererDir ? '' : '  (no built UI found: run `npm run build` to serve the web UI)',
      ''
    ]
      .filter((line, index, all) => line !== '' || index === all.length - 1)
      .join('\n')
  )
  await new Promise<void>((resolveStop) => {
    const stop = (): void => resolveStop()
    process.once('SIGINT', stop)
    process.once('SIGTERM', stop)
  })
  rmSync(join(dataDir, SERVE_FILE), { force: true })
  await app.close()
  return 0
}

/** --tls-cert/--tls-key, --tls (self-signed, made once, kept in the data dir), or neither (plain HTTP). */
function tlsIdentity(dataDir: string, values: { tls?: boolean; 'tls-cert'?: string; 'tls-key'?: string }, names: string[]): TlsIdentity | null {
  const certFile = values['tls-cert']
  const keyFile = values['tls-key']
  if ((certFile === undefined) !== (keyFile === undefined)) throw new TlsSetupError('--tls-cert and --tls-key go together: give both files (PEM), or --tls for a self-signed certificate')
  if (certFile !== undefined && keyFile !== undefined) {
    if (values.tls) throw new TlsSetupError('--tls makes a self-signed certificate; with --tls-cert and --tls-key, leave it out')
    return loadTlsFiles(resolve(certFile), resolve(keyFile))
  }
  if (!values.tls) return null
  mkdirSync(dataDir, { recursive: true, mode: 0o700 })
  return loadOrCreateSelfSigned(dataDir, names)
}

function tlsLines(tls: TlsIdentity): string[] {
  const what = tls.source === 'self-signed' ? `self-signed certificate (${TLS_CERT_FILE} in the data dir)` : 'certificate from --tls-cert'
  return [
    `  TLS:       ${what}, valid until ${tls.validTo.toISOString().slice(0, 10)}, for ${tls.names.join(', ')}`,
    `  SHA-256:   ${tls.fingerprint256}`,
    `  pin:       sha256//${tls.publicKeyPin}   (curl --pinnedpubkey; the public key's SHA-256)`,
    ...tls.notes.map((note) => `  note:      ${note}`)
  ]
}

function printLoginUrl(dataDir: string): number {
  const serveFile = join(dataDir, SERVE_FILE)
  if (!existsSync(serveFile) || !existsSync(join(dataDir, DB_FILE))) {
    process.stderr.write(`No running 'vigil serve' found for ${dataDir}\n`)
    return 1
  }
  const { url } = JSON.parse(readFileSync(serveFile, 'utf8')) as { url: string }
  const db = openDb(join(dataDir, DB_FILE))
  try {
    const auth = new Authenticator(loadOrCreateApiToken(dataDir), createAuthRepo(db))
    return print(`${url}/auth/login?code=${auth.createLoginCode()}`)
  } finally {
    db.close()
  }
}

function existingDir(dir: string): string | null {
  return existsSync(dir) ? dir : null
}

function print(text: string): number {
  process.stdout.write(text.endsWith('\n') ? text : text + '\n')
  return 0
}
