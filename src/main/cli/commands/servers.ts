// `vigil servers list|add|test`: the primary API's "Server Management APIs"
// (servers-metrics-oracle-api.md): GET /api/servers/, POST /api/servers/create/,
// POST /api/servers/{id}/test-connection/.
import { lookup } from 'node:dns/promises'
import { isIP } from 'node:net'
import { userInfo } from 'node:os'
import type { Server, ServerCreate } from '../../../shared/servers'
import { httpError } from '../api-client'
import { commandContext, integerOption, stringOption, type ClientContext } from '../context'
import { CliError, EXIT, usageError } from '../exit-codes'
import { findServer, listServers } from '../lookup'
import { readPassword } from '../prompt'
import { formatTable, type Column } from '../tables'

export const SERVERS_HELP = `  vigil servers list [--status S] [--search TEXT] [--environment E]
  vigil servers add --hostname HOST [--ip ADDR] [--name ALIAS] [--port N] [--username U]
                    [--auth password | --auth key --key PATH] [--os linux|aix] [--environment E]
                    [--description TEXT] [--interval SECONDS] [--no-monitoring]
      Register a server Vigil reaches over SSH. --ip defaults to what HOST resolves to here;
      --username to yours. --auth password asks for the SSH password (or reads it from stdin);
      --key is a private key's path on the machine Vigil runs on.
  vigil servers test ID|NAME
      Test the SSH connection (exit 7 and the reason when it fails).`

const OPTIONS = {
  status: { type: 'string' },
  search: { type: 'string' },
  environment: { type: 'string' },
  hostname: { type: 'string' },
  ip: { type: 'string' },
  name: { type: 'string' },
  port: { type: 'string' },
  username: { type: 'string' },
  auth: { type: 'string' },
  key: { type: 'string' },
  os: { type: 'string' },
  description: { type: 'string' },
  interval: { type: 'string' },
  'no-monitoring': { type: 'boolean' }
} as const

const SERVER_COLUMNS: Column<Server>[] = [
  { header: 'ID', value: (server) => server.id },
  { header: 'HOSTNAME', value: (server) => server.hostname },
  { header: 'NAME', value: (server) => server.alias },
  { header: 'IP', value: (server) => server.ip_address },
  { header: 'PORT', value: (server) => server.ssh_port, align: 'right' },
  { header: 'USER', value: (server) => server.ssh_username },
  { header: 'STATUS', value: (server) => server.status },
  { header: 'COLLECTION', value: (server) => server.collection_state },
  { header: 'LAST SEEN', value: (server) => server.last_seen }
]

export async function serversCommand(args: string[]): Promise<number> {
  const ctx = commandContext(args, OPTIONS, 'vigil servers')
  if (ctx.values.help) return (ctx.out(`Usage:\n${SERVERS_HELP}`), EXIT.ok)
  const [action, ...rest] = ctx.positionals
  switch (action) {
    case 'list':
      noMore(rest, 'list')
      return list(ctx)
    case 'add':
      noMore(rest, 'add')
      return add(ctx)
    case 'test':
      if (rest.length !== 1) throw usageError('vigil servers test takes one server: its id or name')
      return test(ctx, rest[0] as string)
    default:
      throw usageError(action === undefined ? 'vigil servers needs list, add or test' : `unknown action 'vigil servers ${action}'`)
  }
}

function noMore(rest: string[], action: string): void {
  if (rest.length) throw usageError(`unexpected '${rest.join(' ')}' after vigil servers ${action}`)
}

async function list(ctx: ClientContext): Promise<number> {
  const servers = await listServers(ctx.api, {
    status: stringOption(ctx.values, 'status'),
    search: stringOption(ctx.values, 'search'),
    environment: stringOption(ctx.values, 'environment')
  })
  if (ctx.json) ctx.printJson(servers)
  else ctx.out(formatTable(SERVER_COLUMNS, servers))
  return EXIT.ok
}

async function add(ctx: ClientContext): Promise<number> {
  const { values } = ctx
  const hostname = stringOption(values, 'hostname')
  if (!hostname) throw usageError('vigil servers add needs --hostname')
  const body: ServerCreate = {
    hostname,
    ip_address: stringOption(values, 'ip') ?? (await addressOf(hostname)),
    ssh_username: stringOption(values, 'username') ?? userInfo().username
  }
  const optional: Partial<ServerCreate> = {
    alias: stringOption(values, 'name'),
    ssh_port: integerOption(values, 'port', 1, 65535),
    os_type: stringOption(values, 'os') as ServerCreate['os_type'],
    environment: stringOption(values, 'environment'),
    description: stringOption(values, 'description'),
    monitoring_interval: integerOption(values, 'interval', 1, 86400),
    ...(values['no-monitoring'] ? { monitoring_enabled: false } : {}),
    ...(await credentials(stringOption(values, 'auth'), stringOption(values, 'key'), hostname))
  }
  for (const [field, value] of Object.entries(optional)) if (value !== undefined) (body as Record<string, unknown>)[field] = value
  const { server } = await ctx.api.request<{ server: Server }>('POST', '/api/servers/create/', { body })
  if (ctx.json) ctx.printJson(server)
  else ctx.out(formatTable(SERVER_COLUMNS, [server]))
  return EXIT.ok
}

/** The address the API requires: HOST itself when it is one, else what it resolves to here. */
async function addressOf(hostname: string): Promise<string> {
  if (isIP(hostname)) return hostname
  try {
    return (await lookup(hostname)).address
  } catch {
    throw usageError(`cannot resolve '${hostname}' here: give its address with --ip`)
  }
}

/** --auth password (the password read as login reads it, never from argv) or --auth key --key PATH. */
async function credentials(auth: string | undefined, key: string | undefined, hostname: string): Promise<Partial<ServerCreate>> {
  const kind = auth ?? (key === undefined ? undefined : 'key')
  if (kind === undefined) return {}
  if (kind === 'key') {
    if (key === undefined) throw usageError('--auth key needs --key PATH (a private key on the machine Vigil runs on)')
    return { ssh_key_path: key }
  }
  if (kind !== 'password') throw usageError(`--auth is password or key, not '${auth}'`)
  if (key !== undefined) throw usageError('--key goes with --auth key')
  const password = await readPassword(`SSH password for ${hostname}: `, process.stderr)
  if (password === '') throw usageError('no SSH password came on stdin')
  return { ssh_password: password }
}

interface TestResult {
  status: 'success' | 'error'
  hostname: string
  output?: string
  error?: string
  state?: string
  host_key?: { algorithm: string; fingerprint: string } | null
}

async function test(ctx: ClientContext, idOrName: string): Promise<number> {
  const server = await findServer(ctx.api, idOrName)
  const answer = await ctx.api.send('POST', `/api/servers/${server.id}/test-connection/`)
  let result: TestResult | null = null
  try {
    result = JSON.parse(answer.text) as TestResult
  } catch {
    // not the test's own body: reported below as the HTTP error it is
  }
  // 400 carries either the test's failure (status "error") or the API's refusal of the request.
  if (!result || (answer.status !== 200 && result.status !== 'error')) throw httpError(answer)
  if (ctx.json) ctx.printJson(result)
  if (result.status === 'error') throw new CliError(EXIT.serverError, `connection test of ${result.hostname} failed (${result.state}): ${result.error}`)
  if (!ctx.json) {
    ctx.out(`OK ${result.hostname}: ${(result.output ?? '').trim()}`)
    if (result.host_key) ctx.out(`host key ${result.host_key.algorithm} ${result.host_key.fingerprint}`)
  }
  return EXIT.ok
}
