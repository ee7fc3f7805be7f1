// The client commands of `vigil`: they talk to a running Vigil — this machine's or a jump
// host's — over its HTTP API, with a user's token, and exit with codes scripts can rely on.
// cli.ts hands them their arguments; the server commands (serve, token, users…) are server-commands.ts.
import { AUTH_HELP, authCommand } from './commands/auth'
import { CONFIG_HELP, configCommand } from './commands/config'
import { METRICS_HELP, metricsCommand } from './commands/metrics'
import { PG_HELP, pgCommand } from './commands/pg'
import { QUERY_HELP, queryCommand } from './commands/query'
import { SERVERS_HELP, serversCommand } from './commands/servers'
import { DEFAULT_URL } from './client-config'
import { CliError } from './exit-codes'

const COMMANDS: Record<string, (args: string[]) => Promise<number>> = {
  config: configCommand,
  auth: authCommand,
  servers: serversCommand,
  metrics: metricsCommand,
  pg: pgCommand,
  query: (args) => queryCommand(args, false),
  'query-range': (args) => queryCommand(args, true)
}

export const CLIENT_HELP = `Client commands (talk to a running Vigil with a user's token):
${CONFIG_HELP}
${AUTH_HELP}
${SERVERS_HELP}
${METRICS_HELP}
${PG_HELP}
${QUERY_HELP}
      Each takes --url URL (else $VIGIL_URL, else the config's, else ${DEFAULT_URL}),
      --ca FILE (a PEM certificate to trust over https) and --json (the server's data as JSON).
      $VIGIL_TOKEN overrides the stored token. The config file is $VIGIL_CLI_CONFIG, else
      $XDG_CONFIG_HOME/vigil/cli.json, else ~/.config/vigil/cli.json.
      Exit codes: 0 ok, 1 usage or bad input, 2 not logged in (401), 3 forbidden (403),
      4 not found (404), 5 server unreachable, 6 rate limited (429), 7 other server error.`

export function isClientCommand(command: string | undefined): boolean {
  return command !== undefined && Object.hasOwn(COMMANDS, command)
}

/** Runs a client command; a failure is one line on stderr and its exit code. */
export async function runClientCommand(command: string, args: string[]): Promise<number> {
  try {
    return await (COMMANDS[command] as (args: string[]) => Promise<number>)(args)
  } catch (error) {
    if (!(error instanceof CliError)) throw error
    process.stderr.write(`vigil: ${error.message}\n`)
    return error.exitCode
  }
}
