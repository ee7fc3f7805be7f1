// The agent's administration plugin: POST /administration/control {"action": …}.
//
// reload  SELECT pg_reload_conf() on a session of the instance: superuser, or a role granted
//         EXECUTE on pg_reload_conf() (GRANT EXECUTE ON FUNCTION pg_catalog.pg_reload_conf() TO …).
// start, stop, restart
//         a shell command on the PostgreSQL host, built from the instance's control
//         configuration (pg_ctl, Debian's pg_ctlcluster, a systemd unit, or a command of the
//         administrator's own) and run by an injected exec: over SSH on the linked server, or
//         locally. Every value is validated and shell-quoted: nothing typed reaches the shell
//         as syntax, except the custom command, which is the administrator's own shell line
//         (still one line, and only {action} is substituted, quoted).
//
// The command assumes a POSIX-style shell (sh, bash, dash, zsh, ksh) reads it, as sshd runs
// it under the account's login shell. It starts with `cd /`: pg_ctl run as another user (sudo,
// runuser, su) keeps the caller's directory, and fails on one it cannot read (a 0700 home).
import { setTimeout as delay } from 'node:timers/promises'
import { AppError } from '../../shared/errors'
import { CONTROL_ACTIONS, type ControlAction, type ControlResponse } from '../../shared/pg-agent'
import { checkControlConfig, type ControlConfig } from '../../shared/postgres-control'
import type { ExecResult } from '../base/exec/runner'
import type { Queryable } from './queryable'
import { messageOf } from '../base/text'

export { CONTROL_ACTIONS, type ControlAction, type ControlResponse } from '../../shared/pg-agent'
/** The actions that run a command on the host. */
export type ServerAction = Exclude<ControlAction, 'reload'>

/** Runs one shell command on the PostgreSQL host and reports how it ended. */
export type ShellExec = (command: string) => Promise<ExecResult>

// The configuration's schema and checks live in src/shared (the UI's form uses them too).
export { CONTROL_CONFIG_SCHEMA, CONTROL_METHODS, SWITCH_USER_WAYS, checkControlConfig, type ControlConfig } from '../../shared/postgres-control'

/** A word as a POSIX shell reads it back unchanged: bare when it holds no special character, else single-quoted. */
export function shellQuote(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replaceAll("'", `'\\''`)}'`
}

function commandLine(argv: readonly string[]): string {
  return argv.map(shellQuote).join(' ')
}

/** argv of the server command itself, or the custom shell line. */
function serverCommand(action: ServerAction, config: ControlConfig): { argv: string[] } | { line: string } {
  switch (config.method) {
    case 'pg_ctl': {
      const pgCtl = config.pg_ctl ?? 'pg_ctl'
      const dataDir = config.data_dir as string
      const logFile = config.log_file as string
      // -w waits until the server is up (or down), so the exit code tells the outcome; fast
      // shutdown rolls back open transactions instead of waiting for every client to leave.
      if (action === 'start') return { argv: [pgCtl, 'start', '-D', dataDir, '-l', logFile, '-w'] }
      if (action === 'stop') return { argv: [pgCtl, 'stop', '-D', dataDir, '-m', 'fast', '-w'] }
      return { argv: [pgCtl, 'restart', '-D', dataDir, '-m', 'fast', '-l', logFile, '-w'] }
    }
    case 'pg_ctlcluster': {
      const cluster = [config.cluster_version as string, config.cluster_name as string]
      // Older postgresql-common stops in smart mode (waits for every client) unless told.
      return { argv: action === 'start' ? ['pg_ctlcluster', ...cluster, 'start'] : ['pg_ctlcluster', '-m', 'fast', ...cluster, action] }
    }
    case 'systemd':
      // --no-ask-password: fail at once rather than wait for a polkit prompt nobody sees.
      return { argv: ['systemctl', '--no-ask-password', action, config.systemd_unit as string] }
    case 'custom':
      return { line: (config.command as string).replaceAll('{action}', shellQuote(action)) }
  }
}

/** Wraps the command so that it runs as `run_as`. */
function asUser(command: { argv: string[] } | { line: string }, user: string, via: NonNullable<ControlConfig['switch_user']>): string {
  const argv = 'argv' in command ? command.argv : ['/bin/sh', '-c', command.line]
  if (via === 'sudo') return commandLine(['sudo', '-n', '-u', user, '--', ...argv])
  if (via === 'runuser') return commandLine(['runuser', '-u', user, '--', ...argv])
  return commandLine(['su', '-s', '/bin/sh', '-c', 'argv' in command ? commandLine(command.argv) : command.line, user])
}

/** The shell command that starts, stops or restarts the server; the configuration is checked first. */
export function buildControlCommand(action: ServerAction, config: ControlConfig): string {
  const checked = checkControlConfig(config)
  const command = serverCommand(action, checked)
  const run = checked.run_as
    ? asUser(command, checked.run_as, checked.switch_user ?? 'sudo')
    : 'argv' in command
      ? commandLine(command.argv)
      : command.line
  return `cd / && ${run}`
}

/** The action of a POST /administration/control body, refused with the agent's own messages. */
export function parseControlRequest(body: unknown): ControlAction {
  if (typeof body !== 'object' || body === null || Array.isArray(body) || !('action' in body)) {
    throw new AppError('validation', "Parameter 'action' not sent.", { field: 'action' })
  }
  const { action } = body as { action: unknown }
  if (typeof action !== 'string' || !(CONTROL_ACTIONS as readonly string[]).includes(action)) {
    throw new AppError('validation', "Parameter 'action' is malformed.", { field: 'action' })
  }
  return action as ControlAction
}

/** reload: asks the postmaster to re-read its configuration files. */
export async function reloadConfiguration(db: Queryable): Promise<ControlResponse> {
  let reloaded: boolean | undefined
  try {
    const { rows } = await db.query<{ reloaded: boolean }>('SELECT pg_catalog.pg_reload_conf() AS reloaded')
    reloaded = rows[0]?.reloaded
  } catch (error) {
    if ((error as { code?: unknown }).code === '42501') {
      throw new AppError(
        'forbidden',
        'Reloading the configuration needs a superuser, or EXECUTE on pg_reload_conf() ' +
          '(GRANT EXECUTE ON FUNCTION pg_catalog.pg_reload_conf() TO the role Vigil logs in as)',
        { extra: { reason: 'insufficient_privilege', sqlstate: '42501' } }
      )
    }
    throw error
  }
  if (!reloaded) throw new AppError('internal', 'PostgreSQL could not signal the postmaster to reload its configuration (see the server log)')
  return { action: 'reload', state: 'ok' }
}

const TAIL_LINES = 15
const TAIL_CHARS = 2000

function tail(text: string): string {
  return text.trimEnd().split('\n').slice(-TAIL_LINES).join('\n').slice(-TAIL_CHARS)
}

/** How the outcome of start, stop and restart is checked: whether PostgreSQL accepts a connection now. */
export interface ServerCheck {
  /** True when a new session can be opened (a server that refuses the login is up too). */
  isUp(): Promise<boolean>
  /** How long to wait for the server to come back (start, restart) or go away (stop); 10 s by default, as the agent. */
  timeoutMs?: number
  /** Between two checks; 500 ms by default, as the agent. */
  intervalMs?: number
}

const CHECK_TIMEOUT_MS = 10_000
const CHECK_INTERVAL_MS = 500

/**
 * Waits until PostgreSQL is up (start, restart) or down (stop), as the agent checks after its
 * command: 'ok' when it is, 'ko' when the time ran out. A command that succeeded does not prove
 * it (a unit that "started" a server that then fails on a bad setting, a custom script).
 */
async function outcome(action: ServerAction, check: ServerCheck): Promise<ControlResponse['state']> {
  const wanted = action !== 'stop'
  const deadline = Date.now() + (check.timeoutMs ?? CHECK_TIMEOUT_MS)
  for (;;) {
    if ((await check.isUp()) === wanted) return 'ok'
    if (Date.now() >= deadline) return 'ko'
    await delay(check.intervalMs ?? CHECK_INTERVAL_MS)
  }
}

/**
 * start, stop or restart through the control configuration. Without one, or without a host to
 * run it on, the request is refused (AppError 'validation'); a command that fails is an
 * AppError 'internal' quoting the end of what it wrote. With a `check`, a command that succeeds
 * answers 'ko' when PostgreSQL is not up (or, for stop, still up) within its time.
 */
export async function controlServer(action: ServerAction, config: ControlConfig | null, exec: ShellExec | null, check?: ServerCheck): Promise<ControlResponse> {
  if (!config) {
    throw new AppError('validation', `Cannot ${action} this instance: no control method is configured (pg_ctl, pg_ctlcluster, systemd or a custom command)`)
  }
  if (!exec) {
    throw new AppError('validation', `Cannot ${action} this instance: no server is linked to it, so Vigil has no host to run the command on`)
  }
  const command = buildControlCommand(action, config)
  let result: ExecResult
  try {
    result = await exec(command)
  } catch (error) {
    if (error instanceof AppError) throw error
    throw new AppError('internal', `Could not run the ${action} command (${command}): ${messageOf(error)}`)
  }
  if (result.code !== 0) {
    const output = tail(result.stderr) || tail(result.stdout) || '(no output)'
    const ended = result.code === null ? 'was killed' : `exited with code ${result.code}`
    throw new AppError('internal', `The ${action} command ${ended}: ${command}\n${output}`, { extra: { exit_code: result.code } })
  }
  return { action, state: check ? await outcome(action, check) : 'ok' }
}

/** Where administrationControl finds what each action needs. */
export interface AdministrationDeps {
  /** Runs fn on a session of the instance (reload only: the server may be down for the others). */
  withSession<T>(fn: (db: Queryable) => Promise<T>): Promise<T>
  control: ControlConfig | null
  exec: ShellExec | null
  /** How start, stop and restart are checked afterwards; without it they answer 'ok' once their command succeeded. */
  check?: ServerCheck
}

/** POST /administration/control: validates the body, then reloads or runs the control command. */
export async function administrationControl(body: unknown, deps: AdministrationDeps): Promise<ControlResponse> {
  const action = parseControlRequest(body)
  if (action === 'reload') return deps.withSession(reloadConfiguration)
  return controlServer(action, deps.control, deps.exec, deps.check)
}
