// The administration plugin's command builder and request parsing. Quoting is proven by
// handing the built words to a real /bin/sh and reading them back; failures run real commands
// through the local runner.
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'
import {
  buildControlCommand,
  checkControlConfig,
  controlServer,
  parseControlRequest,
  shellQuote,
  type ControlConfig
} from '../../src/main/postgres/administration'
import { LocalRunner } from '../../src/main/base/exec/local-runner'
import type { AppError } from '../../src/shared/errors'

const run = promisify(execFile)

const PG_CTL: ControlConfig = {
  method: 'pg_ctl',
  pg_ctl: '/usr/lib/postgresql/16/bin/pg_ctl',
  data_dir: '/var/lib/postgresql/16/main',
  log_file: '/var/log/postgresql/pg_ctl.log'
}

/** What a validation AppError says, or a failure if none was thrown. */
function refusal(fn: () => unknown): { code: string; message: string; field?: string } {
  try {
    fn()
  } catch (error) {
    return error as { code: string; message: string; field?: string }
  }
  throw new Error('expected a refusal')
}

/** The error a promise rejects with; a failure if it resolves. */
async function rejection(promise: Promise<unknown>): Promise<AppError> {
  return promise.then(
    () => {
      throw new Error('expected a failure')
    },
    (error: unknown) => error as AppError
  )
}

describe('shellQuote', () => {
  it('gives back every word unchanged through a real shell', async () => {
    const words = ['plain', '/usr/lib/postgresql/16/bin/pg_ctl', 'it’s', "O'Brien", 'a b', '$(id)', '`id`', '"$HOME"', '*', ';rm -rf /', '', '-m', '\\n']
    const { stdout } = await run('/bin/sh', ['-c', `printf '%s\\0' ${words.map(shellQuote).join(' ')}`])
    expect(stdout.split('\0').slice(0, -1)).toEqual(words)
  })

  it('leaves plain words bare and quotes the rest', () => {
    expect(shellQuote('/var/lib/postgresql/16/main')).toBe('/var/lib/postgresql/16/main')
    expect(shellQuote('postgresql@16-main.service')).toBe('postgresql@16-main.service')
    expect(shellQuote('my data')).toBe("'my data'")
    expect(shellQuote("it's")).toBe("'it'\\''s'")
  })
})

describe('buildControlCommand', () => {
  it('builds pg_ctl commands that wait, shut down fast and log start-up to the log file', () => {
    expect(buildControlCommand('start', PG_CTL)).toBe(
      'cd / && /usr/lib/postgresql/16/bin/pg_ctl start -D /var/lib/postgresql/16/main -l /var/log/postgresql/pg_ctl.log -w'
    )
    expect(buildControlCommand('stop', PG_CTL)).toBe('cd / && /usr/lib/postgresql/16/bin/pg_ctl stop -D /var/lib/postgresql/16/main -m fast -w')
    expect(buildControlCommand('restart', PG_CTL)).toBe(
      'cd / && /usr/lib/postgresql/16/bin/pg_ctl restart -D /var/lib/postgresql/16/main -m fast -l /var/log/postgresql/pg_ctl.log -w'
    )
    expect(buildControlCommand('stop', { method: 'pg_ctl', data_dir: '/srv/pg', log_file: '/srv/pg.log' })).toBe('cd / && pg_ctl stop -D /srv/pg -m fast -w')
  })

  it('quotes paths with spaces and quotes', () => {
    const command = buildControlCommand('restart', { method: 'pg_ctl', data_dir: "/srv/my data/o'brien", log_file: '/srv/log $HOME.log' })
    expect(command).toBe("cd / && pg_ctl restart -D '/srv/my data/o'\\''brien' -m fast -l '/srv/log $HOME.log' -w")
  })

  it('builds pg_ctlcluster, systemd and custom commands', () => {
    const cluster: ControlConfig = { method: 'pg_ctlcluster', cluster_version: '16', cluster_name: 'main' }
    expect(buildControlCommand('start', cluster)).toBe('cd / && pg_ctlcluster 16 main start')
    expect(buildControlCommand('stop', cluster)).toBe('cd / && pg_ctlcluster -m fast 16 main stop')
    expect(buildControlCommand('restart', cluster)).toBe('cd / && pg_ctlcluster -m fast 16 main restart')
    expect(buildControlCommand('restart', { method: 'systemd', systemd_unit: 'postgresql@16-main.service' })).toBe(
      'cd / && systemctl --no-ask-password restart postgresql@16-main.service'
    )
    expect(buildControlCommand('stop', { method: 'custom', command: '/usr/local/bin/pg-service {action} --quiet' })).toBe(
      'cd / && /usr/local/bin/pg-service stop --quiet'
    )
  })

  it('runs as another account through sudo -n (the default), runuser or su', () => {
    expect(buildControlCommand('stop', { ...PG_CTL, run_as: 'postgres' })).toBe(
      'cd / && sudo -n -u postgres -- /usr/lib/postgresql/16/bin/pg_ctl stop -D /var/lib/postgresql/16/main -m fast -w'
    )
    expect(buildControlCommand('stop', { ...PG_CTL, run_as: 'postgres', switch_user: 'runuser' })).toBe(
      'cd / && runuser -u postgres -- /usr/lib/postgresql/16/bin/pg_ctl stop -D /var/lib/postgresql/16/main -m fast -w'
    )
    expect(buildControlCommand('stop', { ...PG_CTL, run_as: 'postgres', switch_user: 'su' })).toBe(
      "cd / && su -s /bin/sh -c '/usr/lib/postgresql/16/bin/pg_ctl stop -D /var/lib/postgresql/16/main -m fast -w' postgres"
    )
    expect(buildControlCommand('restart', { method: 'systemd', systemd_unit: 'postgresql.service', run_as: 'root' })).toBe(
      'cd / && sudo -n -u root -- systemctl --no-ask-password restart postgresql.service'
    )
    expect(buildControlCommand('start', { method: 'custom', command: 'svc pg {action} 2>&1', run_as: 'pgadmin' })).toBe(
      "cd / && sudo -n -u pgadmin -- /bin/sh -c 'svc pg start 2>&1'"
    )
  })

  it('refuses values that could be read as shell syntax or options', () => {
    const refused: Array<[Partial<ControlConfig>, string]> = [
      [{ data_dir: '/srv/pg\nrm -rf /' }, 'data_dir'],
      [{ data_dir: 'relative/dir' }, 'data_dir'],
      [{ data_dir: '-D/etc' }, 'data_dir'],
      [{ log_file: '/tmp/a\\b' }, 'log_file'],
      [{ pg_ctl: 'pg_ctl; id' }, 'pg_ctl'],
      [{ run_as: '-u root' }, 'run_as'],
      [{ run_as: 'postgres\n' }, 'run_as'],
      [{ run_as: 'a b' }, 'run_as'],
      [{ switch_user: 'doas' as 'sudo' }, 'switch_user']
    ]
    for (const [change, field] of refused) {
      expect(refusal(() => buildControlCommand('stop', { ...PG_CTL, ...change })), JSON.stringify(change)).toMatchObject({ code: 'validation', field })
    }
    expect(refusal(() => buildControlCommand('stop', { method: 'systemd', systemd_unit: '--root=/ x' }))).toMatchObject({ field: 'systemd_unit' })
    expect(refusal(() => buildControlCommand('stop', { method: 'pg_ctlcluster', cluster_version: '16; id', cluster_name: 'main' }))).toMatchObject({
      field: 'cluster_version'
    })
    expect(refusal(() => buildControlCommand('stop', { method: 'pg_ctlcluster', cluster_version: '16', cluster_name: '-main' }))).toMatchObject({
      field: 'cluster_name'
    })
    expect(refusal(() => buildControlCommand('stop', { method: 'custom', command: 'svc {action}\nreboot' }))).toMatchObject({ field: 'command' })
    expect(refusal(() => buildControlCommand('stop', { method: 'upstart' as 'custom', command: 'x {action}' }))).toMatchObject({ field: 'method' })
    expect(refusal(() => buildControlCommand('stop', { ...PG_CTL, extra: 'x' } as ControlConfig))).toMatchObject({ message: "Unknown field: 'extra'" })
  })

  it('says which field a method needs, and what a custom command must contain', () => {
    expect(refusal(() => checkControlConfig({ method: 'pg_ctl', data_dir: '/srv/pg' }))).toMatchObject({
      code: 'validation',
      field: 'log_file',
      message: "Missing required field: 'log_file' (method 'pg_ctl' needs it)"
    })
    expect(refusal(() => checkControlConfig({ method: 'systemd' }))).toMatchObject({ field: 'systemd_unit' })
    expect(refusal(() => checkControlConfig({ method: 'pg_ctlcluster', cluster_version: '16' }))).toMatchObject({ field: 'cluster_name' })
    expect(refusal(() => checkControlConfig({ method: 'custom', command: 'svc restart' }))).toMatchObject({
      message: "Invalid value for 'command': must contain {action}, which becomes start, stop or restart"
    })
    expect(refusal(() => checkControlConfig({ method: 'custom', command: 'svc {action} {data_dir}' }))).toMatchObject({
      message: "Invalid value for 'command': unknown placeholder {data_dir}: only {action} is replaced"
    })
    expect(refusal(() => checkControlConfig(null))).toMatchObject({ code: 'validation' })
  })
})

describe('parseControlRequest', () => {
  it('takes start, stop, restart and reload', () => {
    for (const action of ['start', 'stop', 'restart', 'reload']) expect(parseControlRequest({ action })).toBe(action)
  })

  it("refuses anything else with the agent's messages", () => {
    expect(refusal(() => parseControlRequest({}))).toMatchObject({ code: 'validation', message: "Parameter 'action' not sent." })
    expect(refusal(() => parseControlRequest(null))).toMatchObject({ message: "Parameter 'action' not sent." })
    for (const action of ['promote', 'RESTART', ' stop', 1, null, ['stop']]) {
      expect(refusal(() => parseControlRequest({ action }))).toMatchObject({ code: 'validation', message: "Parameter 'action' is malformed.", field: 'action' })
    }
  })
})

describe('controlServer', () => {
  const local = new LocalRunner()
  const exec = (command: string) => local.exec(command, { timeoutMs: 10_000 })

  it('refuses when no control method is configured or no host is linked', async () => {
    await expect(controlServer('restart', null, exec)).rejects.toMatchObject({ code: 'validation', message: expect.stringMatching(/no control method is configured/) })
    await expect(controlServer('restart', PG_CTL, null)).rejects.toMatchObject({ code: 'validation', message: expect.stringMatching(/no server is linked/) })
  })

  it('answers as the agent does when the command succeeds', async () => {
    await expect(controlServer('restart', { method: 'custom', command: 'test {action} = restart' }, exec)).resolves.toEqual({ action: 'restart', state: 'ok' })
  })

  it('reports a failing command with its exit code and the end of its stderr', async () => {
    const noisy = { method: 'custom', command: 'seq 1 40 >&2; echo "cannot {action}: lock file exists" >&2; exit 3' } as const
    const error = await rejection(controlServer('start', noisy, exec))
    expect(error).toMatchObject({ code: 'internal', extra: { exit_code: 3 } })
    expect(error.message).toMatch(/^The start command exited with code 3: cd \/ && seq 1 40/)
    expect(error.message).toMatch(/\n27\n(.*\n)*40\ncannot start: lock file exists$/)
    expect(error.message).not.toMatch(/\n26\n/)
  })

  it('reports a command that could not run', async () => {
    const failing = () => Promise.reject(new Error('SSH connection lost'))
    await expect(controlServer('stop', PG_CTL, failing)).rejects.toMatchObject({ code: 'internal', message: expect.stringMatching(/Could not run the stop command .*: SSH connection lost$/) })
  })
})
