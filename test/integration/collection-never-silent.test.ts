// Collection from hosts that are not quite what Vigil's commands expect, over a real sshd: an
// older sysstat whose iostat refuses -y, and an iostat that prints a device row no header
// explains. The tools are the machine's own (procps, sysstat 12) behind small wrappers put first
// on the session's PATH (sshd's SetEnv), which change only what each case is about.
import { chmodSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { VigilApp } from '../../src/main/app'
import { startApi, type TestApi } from '../helpers/api'
import { waitForMetrics } from '../helpers/collection'
import { startSshd, type Sshd } from '../helpers/sshd'
import { makeTempDir } from '../helpers/temp-dir'

const FIXTURES = join(__dirname, '..', 'fixtures')

let api: TestApi
const cleanups: Array<() => Promise<void> | void> = []

beforeAll(async () => {
  api = await startApi({ collect: true })
})
afterAll(async () => {
  await api?.close()
  for (const cleanup of cleanups.reverse()) await cleanup()
})

/** An sshd whose sessions find `tools` (name → sh script; @DIR@ is their folder) before the system's commands. */
async function hostWith(tools: Record<string, string>): Promise<{ sshd: Sshd; dir: string }> {
  const temp = makeTempDir('vigil-tools-')
  cleanups.push(() => temp.remove())
  chmodSync(temp.dir, 0o755)
  for (const [name, script] of Object.entries(tools)) {
    writeFileSync(join(temp.dir, name), script.replaceAll('@DIR@', temp.dir))
    chmodSync(join(temp.dir, name), 0o755)
  }
  // The wrappers log their arguments here, as the test account.
  writeFileSync(join(temp.dir, 'calls.log'), '')
  chmodSync(join(temp.dir, 'calls.log'), 0o666)
  const sshd = await startSshd({ extraConfig: [`SetEnv PATH=${temp.dir}:/usr/local/bin:/usr/bin:/bin`] })
  cleanups.push(() => sshd.stop())
  return { sshd, dir: temp.dir }
}

async function addServer(sshd: Sshd, hostname: string): Promise<string> {
  const { status, body } = await api.request('POST', '/api/servers/create/', {
    body: { hostname, ip_address: '127.0.0.1', ssh_port: sshd.port, ssh_username: sshd.user, ssh_password: sshd.password, monitoring_interval: 1 }
  })
  expect(status).toBe(201)
  return body.server.id
}

/** Resolves with the server's collection error once it matches `pattern`. */
function errorMatching(app: VigilApp, serverId: string, pattern: RegExp, timeoutMs = 20_000): Promise<string> {
  return new Promise((resolve, reject) => {
    const now = app.servers.get(serverId).collection_error
    if (now && pattern.test(now)) return resolve(now)
    const timer = setTimeout(() => {
      unsubscribe()
      reject(new Error(`no collection error matching ${pattern} within ${timeoutMs} ms; it is: ${app.servers.get(serverId).collection_error ?? 'null'}`))
    }, timeoutMs)
    const unsubscribe = app.bus.subscribe('servers.state', (change) => {
      if (change.id !== serverId || !change.error || !pattern.test(change.error)) return
      clearTimeout(timer)
      unsubscribe()
      resolve(change.error)
    })
  })
}

describe('a host whose iostat predates -y (sysstat before 10.1.3)', () => {
  it('gets iostat without -y, its first (since-boot) report dropped by Vigil, and keeps that choice on reconnect', async () => {
    // sysstat 10.0 prints its usage and exits 1 for an option it does not know (its iostat.c).
    const usage = readFileSync(join(FIXTURES, 'linux-iostat-usage-sysstat10.0.txt'), 'utf8')
    const { sshd, dir } = await hostWith({
      iostat: [
        '#!/bin/sh',
        'echo "$*" >> @DIR@/calls.log',
        'for arg in "$@"; do case "$arg" in -*y*) cat >&2 <<\'USAGE\'',
        usage.trimEnd(),
        'USAGE',
        'exit 1;; esac; done',
        'exec /usr/bin/iostat "$@"',
        ''
      ].join('\n')
    })
    const id = await addServer(sshd, 'old-sysstat')
    const rows = await waitForMetrics(api.app, id, ['iostat', 'vmstat'])
    // The extended report's fields, service time included.
    expect(rows.get('iostat')?.[0]).toMatchObject({ tps: expect.any(Number), kb_read_rate: expect.any(Number), service_time: expect.any(Number) })
    expect(api.app.servers.get(id).collection_error).toBeNull()
    const calls = (): string[] => readFileSync(join(dir, 'calls.log'), 'utf8').trim().split('\n')
    expect(calls()).toEqual(['-d -k -x -y 1', '-d -k -x 1'])

    // A new connection (sshd killed and back) goes straight to the fallback: remembered per server.
    await sshd.kill()
    await sshd.restart()
    await waitForMetrics(api.app, id, ['iostat'])
    expect(calls().slice(2).every((call) => call === '-d -k -x 1')).toBe(true)
    await api.request('DELETE', `/api/servers/${id}/`)
  }, 60_000)
})

describe('a host whose iostat prints a row no header explains', () => {
  it('shows the line as the collection error, in the API and the server state, while the other disks keep coming', async () => {
    // After each device header, one extra device row in another layout (a decimal comma, two columns).
    const { sshd } = await hostWith({
      iostat: ['#!/bin/sh', `/usr/bin/iostat "$@" | awk '{ print } /^Device/ { print "sdz 1,00 2,00" } { fflush() }'`, ''].join('\n')
    })
    const id = await addServer(sshd, 'odd-iostat')
    const error = await errorMatching(api.app, id, /^iostat: /)
    expect(error).toMatch(/^iostat: a line does not match its header "Device +r\/s .*": sdz 1,00 2,00$/)
    // Never "collecting" with no data: the real disks' rows are stored all along.
    const rows = await waitForMetrics(api.app, id, ['iostat'])
    expect(rows.get('iostat')?.length).toBeGreaterThan(0)
    expect(rows.get('iostat')?.map((row) => row.disk)).not.toContain('sdz')
    const server = await api.request('GET', `/api/servers/${id}/`)
    expect(server.body).toMatchObject({ collection_state: 'collecting', collection_error: expect.stringContaining('sdz 1,00 2,00') })
    await api.request('DELETE', `/api/servers/${id}/`)
  }, 60_000)
})

describe('the Linux commands on a real host', () => {
  it('fill fr from /proc/vmstat and service_time from iostat -x', async () => {
    const { sshd } = await hostWith({})
    const id = await addServer(sshd, 'plain-linux')
    const rows = await waitForMetrics(api.app, id, ['vmstat', 'iostat'])
    expect(rows.get('vmstat')?.[0]).toMatchObject({ fr: expect.any(Number), us: expect.any(Number) })
    expect(rows.get('vmstat')?.[0]?.fr).toBeGreaterThanOrEqual(0)
    expect(rows.get('iostat')?.[0]).toMatchObject({ service_time: expect.any(Number), kb_read: expect.any(Number) })
    expect(api.app.servers.get(id).collection_error).toBeNull()
    await api.request('DELETE', `/api/servers/${id}/`)
  }, 60_000)
})

