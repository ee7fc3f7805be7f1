// `vigil serve --log` as a user runs it (issue 12, findings 3 and 4): no credential in the
// request log (stdout or the log file), and serve.json, the database and the log 0600 in a
// data directory that existed before with 0755.
import { chmodSync, mkdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { LOG_DIR, LOG_FILE } from '../../src/main/base/log/log-file'
import { makeTempDir } from '../helpers/temp-dir'
import { startVigil, type VigilProcess } from '../helpers/vigil-process'

let vigil: VigilProcess
let dataDir: string

beforeAll(async () => {
  const temp = makeTempDir('vigil-e2e-')
  dataDir = join(temp.dir, 'data')
  mkdirSync(dataDir, { mode: 0o755 })
  chmodSync(dataDir, 0o755)
  vigil = await startVigil(['--log'], { dataDir })
})
afterAll(async () => {
  await vigil?.stop()
})

describe('vigil serve --log', () => {
  it('says it tightened the data directory, and writes serve.json and the rest 0600', () => {
    expect(vigil.output()).toContain(`note:      ${dataDir} was readable by other users (mode 0755); now 0700`)
    expect(vigil.output()).toContain(`log file:  ${join(dataDir, LOG_DIR, LOG_FILE)}`)
    expect(statSync(dataDir).mode & 0o777).toBe(0o700)
    for (const name of ['serve.json', 'vigil.db', 'api-token', 'secret.key', join(LOG_DIR, LOG_FILE)]) {
      expect((statSync(join(dataDir, name)).mode & 0o777).toString(8), name).toBe('600')
    }
  })

  it('logs requests without the token, a login code or a session, on stdout and in the log file', async () => {
    const code = new URL(vigil.loginUrl).searchParams.get('code') as string
    const login = await fetch(vigil.loginUrl, { redirect: 'manual' })
    const session = (login.headers.get('set-cookie') ?? '').split(';')[0] as string
    expect(session).toMatch(/^vigil_session=[0-9a-f]{64}$/)
    await fetch(`${vigil.url}/api/servers/`, { headers: { Cookie: session } })
    await fetch(`${vigil.url}/api/servers/`, { headers: { Authorization: `Bearer ${vigil.token}` } })
    await fetch(`${vigil.url}/api/servers/?token=${vigil.token}`)
    await fetch(`${vigil.url}/assets/%c0%ae?token=${vigil.token}`)
    const socket = new WebSocket(`${vigil.url.replace('http', 'ws')}/rpc/events?token=${vigil.token}`)
    await new Promise((resolve, reject) => {
      socket.once('open', resolve)
      socket.once('error', reject)
    })
    socket.close()
    await new Promise((resolve) => socket.once('close', resolve))
    // A last request, to know that every line before it has come through stdout.
    await fetch(`${vigil.url}/health/?last=1`)
    await expect.poll(() => vigil.output()).toContain('/health/?last=1')

    const requestLines = vigil.output().split('\n').filter((line) => line.startsWith('{'))
    const logFile = readFileSync(join(dataDir, LOG_DIR, LOG_FILE), 'utf8')
    for (const [where, text] of [['stdout', requestLines.join('\n')], ['log file', logFile]] as const) {
      expect(text, where).toContain('/rpc/events?token=[REDACTED]')
      expect(text, where).toContain('/auth/login?code=[REDACTED]')
      expect(text, where).not.toContain(vigil.token)
      expect(text, where).not.toContain(code)
      expect(text, where).not.toContain(session.split('=')[1])
    }
  })
})
