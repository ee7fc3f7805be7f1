import Type, { type Static } from 'typebox'
import { AppError } from './errors'
import { sentence, type ValidationIssue } from './issues'
import { check } from './validation'

// How a PostgreSQL instance's server is started, stopped and restarted (the agent API's
// POST /administration/control): pg_ctl, Debian's pg_ctlcluster, a systemd unit, or a command of
// the administrator's own, run on the instance's linked server. Kept here, next to the instances
// registry, so the API, the service and the UI's form validate it with the same rules; the command
// itself is built (and every value shell-quoted) by src/main/postgres/administration.ts.

export const CONTROL_METHODS = ['pg_ctl', 'pg_ctlcluster', 'systemd', 'custom'] as const
export const SWITCH_USER_WAYS = ['sudo', 'runuser', 'su'] as const

// Paths: absolute (so never read as an option), no control characters (a newline would end
// the command), no backslash (fish reads \\ and \' inside single quotes).
const absolutePath = (what: string) =>
  Type.String({
    maxLength: 1024,
    pattern: '^/[^\\x00-\\x1f\\x7f\\\\]*$',
    errorMessage: `must be the absolute path of ${what}, without control characters or backslashes`
  })

export const CONTROL_CONFIG_SCHEMA = Type.Object(
  {
    method: Type.Enum([...CONTROL_METHODS]),
    /** pg_ctl: the program; `pg_ctl` (found on PATH) when unset. */
    pg_ctl: Type.Optional(absolutePath('the pg_ctl program')),
    /** pg_ctl: the data directory (-D). */
    data_dir: Type.Optional(absolutePath('the data directory')),
    /**
     * pg_ctl: the server log for start and restart (-l). Without one the server would keep the
     * command's output open, and the command would not end while the server runs.
     */
    log_file: Type.Optional(absolutePath('the server log file')),
    /** pg_ctlcluster: the major version, e.g. "16". */
    cluster_version: Type.Optional(Type.String({ pattern: '^[0-9]{1,3}(\\.[0-9]{1,3})?$', errorMessage: 'must be a major version such as 16' })),
    /** pg_ctlcluster: the cluster name, e.g. "main". */
    cluster_name: Type.Optional(
      Type.String({ maxLength: 64, pattern: '^[A-Za-z0-9_][A-Za-z0-9_.-]*$', errorMessage: 'must be a cluster name such as main (letters, digits, _ . -)' })
    ),
    /** systemd: the unit, e.g. "postgresql@16-main.service". */
    systemd_unit: Type.Optional(
      Type.String({
        maxLength: 256,
        pattern: '^[A-Za-z0-9_:][A-Za-z0-9_:.@-]*$',
        errorMessage: 'must be a systemd unit name such as postgresql@16-main.service'
      })
    ),
    /** custom: one shell line in which {action} becomes start, stop or restart. */
    command: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 1000,
        pattern: '^[^\\x00-\\x1f\\x7f]+$',
        errorMessage: 'must be one line of at most 1000 characters, without control characters'
      })
    ),
    /** The OS account to run the command as (e.g. postgres); unset: the account Vigil logs in as. */
    run_as: Type.Optional(
      Type.String({ maxLength: 32, pattern: '^[A-Za-z_][A-Za-z0-9_.-]*[$]?$', errorMessage: 'must be an OS user name such as postgres' })
    ),
    /** How to become run_as: sudo -n (never prompts), or runuser/su when Vigil logs in as root. */
    switch_user: Type.Optional(Type.Enum([...SWITCH_USER_WAYS]))
  },
  { additionalProperties: false }
)

/** How an instance's server is started and stopped. */
export type ControlConfig = Static<typeof CONTROL_CONFIG_SCHEMA>

const REQUIRED_BY_METHOD: Record<ControlConfig['method'], Array<keyof ControlConfig>> = {
  pg_ctl: ['data_dir', 'log_file'],
  pg_ctlcluster: ['cluster_version', 'cluster_name'],
  systemd: ['systemd_unit'],
  custom: ['command']
}

/**
 * What the schema cannot say about a configuration that matches it: the fields its method needs,
 * and the custom command's placeholders. `prefix` goes before each field name (e.g. 'control.').
 */
export function controlConfigIssues(config: ControlConfig, prefix = ''): ValidationIssue[] {
  const issues: ValidationIssue[] = REQUIRED_BY_METHOD[config.method]
    .filter((field) => config[field] === undefined)
    .map((field) => ({
      field: prefix + field,
      kind: 'required',
      message: `Missing required field: '${prefix + field}' (method '${config.method}' needs it)`,
      rule: 'This field is required.'
    }))
  if (config.method === 'custom' && config.command !== undefined) {
    const placeholders: string[] = config.command.match(/\{[^{}]*\}/g) ?? []
    const unknown = placeholders.filter((placeholder) => placeholder !== '{action}')
    if (!placeholders.includes('{action}') || unknown.length > 0) {
      const rule = unknown.length > 0 ? `unknown placeholder ${unknown[0]}: only {action} is replaced` : 'must contain {action}, which becomes start, stop or restart'
      issues.push({ field: `${prefix}command`, kind: 'invalid', message: `Invalid value for '${prefix}command': ${rule}`, rule: sentence(rule) })
    }
  }
  return issues
}

/** A control configuration as stored or sent, checked: throws AppError('validation') naming each field at fault. */
export function checkControlConfig(value: unknown): ControlConfig {
  const checked = check<ControlConfig>(CONTROL_CONFIG_SCHEMA, value)
  if (!checked.ok) throw AppError.fromIssues(checked.issues)
  const issues = controlConfigIssues(checked.value)
  if (issues.length > 0) throw AppError.fromIssues(issues)
  return checked.value
}
