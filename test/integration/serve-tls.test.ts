// `vigil serve` over HTTPS, as a team on a jump host runs it: a self-signed certificate made on
// first use (kept and reused), or the user's own; clients that pin the printed fingerprint get
// through, one that expects another certificate is refused before it sends anything, and the
// WebSockets, the Origin rule, the session cookie and `vigil import-metrics` work over TLS.
import { execFile } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'
import { request } from 'node:https'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { importMetricsCommand } from '../../src/main/cli-import'
import { pinnedTlsOptions, TLS_CERT_FILE } from '../../src/main/base/security/tls-certificate'
import { makeTempDir } from '../helpers/temp-dir'
import { SOURCE_CLI, startVigil, type VigilProcess } from '../helpers/vigil-process'

const run = promisify(execFile)

interface Answer {
  status: number
  headers: Record<string, string | string[] | undefined>
  text: string
}

/**
 * A request over TLS with the given client options (a pin, or nothing: the system's CAs), on a
 * connection of its own: a kept-alive socket or a resumed session skips the certificate check.
 */
function get(url: string, tls: object, headers: Record<string, string> = {}): Promise<Answer> {
  return new Promise((resolveAnswer, reject) => {
    const req = request(url, { ...tls, headers, agent: false }, (response) => {
      let text = ''
      response.setEncoding('utf8').on('data', (chunk: string) => (text += chunk))
      response.on('end', () => resolveAnswer({ status: response.statusCode ?? 0, headers: response.headers, text }))
    })
    req.on('error', reject)
    req.end()
  })
}

const fingerprintOf = async (vigil: VigilProcess): Promise<string> => /SHA-256:\s+(\S+)/.exec(await vigil.line(/SHA-256:/))?.[1] ?? ''
const pinOf = async (vigil: VigilProcess): Promise<string> => /pin:\s+(sha256\/\/\S+)/.exec(await vigil.line(/pin:/))?.[1] ?? ''

describe('vigil serve --tls (a self-signed certificate)', () => {
  let vigil: VigilProcess
  let fingerprint: string
  let cert: string

  beforeAll(async () => {
    vigil = await startVigil(['--tls'], { fromSource: true })
    fingerprint = await fingerprintOf(vigil)
    cert = readFileSync(join(vigil.dataDir, TLS_CERT_FILE), 'utf8')
  })
  afterAll(async () => vigil?.stop())

  it('listens on https:// and prints the certificate fingerprint, which is the certificate kept in the data dir', async () => {
    expect(vigil.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/)
    expect(vigil.loginUrl.startsWith(`${vigil.url}/auth/login?code=`)).toBe(true)
    expect(fingerprint).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/)
    const { stdout } = await run('openssl', ['x509', '-noout', '-fingerprint', '-sha256', '-in', join(vigil.dataDir, TLS_CERT_FILE)])
    expect(stdout.trim()).toBe(`sha256 Fingerprint=${fingerprint}`)
    expect(await vigil.line(/TLS:/)).toContain('for localhost, 127.0.0.1, ::1')
  })

  it('answers a client that pins the fingerprint, and a client pinning another certificate is refused', async () => {
    const answer = await get(`${vigil.url}/api/servers/`, pinnedTlsOptions(fingerprint, cert), { Authorization: `Bearer ${vigil.token}` })
    expect(answer.status).toBe(200)
    expect(JSON.parse(answer.text).servers[0].hostname).toBeTruthy()

    const wrong = `${fingerprint.slice(0, -2)}${fingerprint.endsWith('00') ? '01' : '00'}`
    await expect(get(`${vigil.url}/health/`, pinnedTlsOptions(wrong, cert))).rejects.toThrow(/not the pinned one/)
    // Nor does a client that trusts only the system's certificate authorities get through.
    await expect(get(`${vigil.url}/health/`, {})).rejects.toThrow(/self[- ]signed certificate/)
  })

  it('works with curl pinning the public key it prints, and curl with another pin is refused', async () => {
    const pin = await pinOf(vigil)
    const { stdout } = await run('curl', ['-sS', '-k', '--pinnedpubkey', pin, `${vigil.url}/health/`])
    expect(JSON.parse(stdout).status).toBe('healthy')
    const refused = await run('curl', ['-sS', '-k', '--pinnedpubkey', 'sha256//AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=', `${vigil.url}/health/`]).catch((error: { code: number; stderr: string }) => error)
    expect(refused).toMatchObject({ code: 90 })
  })

  it('serves the WebSockets over wss://, pinned the same way', async () => {
    const servers = JSON.parse((await get(`${vigil.url}/api/servers/`, pinnedTlsOptions(fingerprint, cert), { Authorization: `Bearer ${vigil.token}` })).text)
    const thisMachine = servers.servers[0].id as string
    const socket = new WebSocket(`${vigil.url.replace('https', 'wss')}/ws/metrics/vmstat/${thisMachine}/`, {
      ...pinnedTlsOptions(fingerprint, cert),
      headers: { Authorization: `Bearer ${vigil.token}` }
    })
    try {
      // "This machine" is collected by local exec from the start: its first vmstat row arrives over TLS.
      const message = await new Promise<{ metric: string; server_id: string }>((resolveMessage, reject) => {
        socket.once('message', (data) => resolveMessage(JSON.parse(String(data))))
        socket.once('error', reject)
      })
      expect(message).toMatchObject({ metric: 'vmstat', server_id: thisMachine })
    } finally {
      socket.close()
    }
    // A client pinning another certificate does not get a socket either.
    const refused = new WebSocket(`${vigil.url.replace('https', 'wss')}/ws/metrics/vmstat/${thisMachine}/?token=${vigil.token}`, { ...pinnedTlsOptions('00:11', cert), headers: {} })
    await expect(new Promise((resolveOpen, reject) => refused.once('open', resolveOpen).once('error', reject))).rejects.toThrow(/not the pinned one/)
  }, 40_000)

  it("takes its own https:// Origin, refuses the http:// one, and sets the session cookie Secure", async () => {
    const tls = pinnedTlsOptions(fingerprint, cert)
    const auth = { Authorization: `Bearer ${vigil.token}` }
    expect((await get(`${vigil.url}/api/servers/`, tls, { ...auth, Origin: vigil.url })).status).toBe(200)
    expect((await get(`${vigil.url}/api/servers/`, tls, { ...auth, Origin: vigil.url.replace('https', 'http') })).status).toBe(403)
    const login = await get(vigil.loginUrl, tls)
    expect(login.status).toBe(303)
    expect(String(login.headers['set-cookie'])).toMatch(/vigil_session=.*; Secure/)
  })

  it('lets vigil import-metrics reach it, pinning the certificate serve.json records', async () => {
    const files = makeTempDir('vigil-tls-import-')
    try {
      const file = join(files.dir, 'one.prom')
      writeFileSync(file, `tls_import_test{job="tls"} 1 ${Date.now()}\n`)
      let out = ''
      let err = ''
      const code = await importMetricsCommand(vigil.dataDir, file, undefined, { out: (text) => (out += text), err: (text) => (err += text), tty: false })
      expect({ code, err }).toEqual({ code: 0, err: '' })
      expect(out).toContain('1 samples stored')
    } finally {
      files.remove()
    }
  })

  it('keeps the certificate: a second start on the same data dir serves the same one', async () => {
    const dataDir = makeTempDir('vigil-tls-again-').dir
    const first = await startVigil(['--tls', '--allow-host', 'jump.example.net'], { fromSource: true, dataDir })
    const made = await fingerprintOf(first)
    expect(await first.line(/TLS:/)).toContain('jump.example.net')
    await first.kill('SIGTERM')
    const second = await startVigil(['--tls', '--allow-host', 'jump.example.net', '--allow-host', 'vigil.example.net'], { fromSource: true, dataDir })
    try {
      expect(await fingerprintOf(second)).toBe(made)
      expect(second.output()).not.toContain('a self-signed certificate was made')
      // A name added since is not in the certificate kept: said, not silently re-made (pins would break).
      expect(await second.line(/does not name/)).toContain('vigil.example.net')
    } finally {
      await second.stop()
    }
  }, 60_000)
})

describe('vigil serve --tls-cert/--tls-key (the user’s own certificate)', () => {
  let files: { dir: string; remove(): void }

  beforeAll(async () => {
    files = makeTempDir('vigil-own-cert-')
    for (const name of ['own', 'other']) {
      await run('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '30', '-subj', '/CN=jump.example.net', '-addext', 'subjectAltName=DNS:jump.example.net', '-keyout', join(files.dir, `${name}-key.pem`), '-out', join(files.dir, `${name}-cert.pem`)])
    }
  })
  afterAll(() => files?.remove())

  it('serves it and prints its fingerprint; a pinned client gets through whatever the host name', async () => {
    const vigil = await startVigil(['--tls-cert', join(files.dir, 'own-cert.pem'), '--tls-key', join(files.dir, 'own-key.pem')], { fromSource: true })
    try {
      const fingerprint = await fingerprintOf(vigil)
      const { stdout } = await run('openssl', ['x509', '-noout', '-fingerprint', '-sha256', '-in', join(files.dir, 'own-cert.pem')])
      expect(stdout.trim()).toBe(`sha256 Fingerprint=${fingerprint}`)
      const cert = readFileSync(join(files.dir, 'own-cert.pem'), 'utf8')
      expect((await get(`${vigil.url}/health/`, pinnedTlsOptions(fingerprint, cert))).status).toBe(200)
      const other = readFileSync(join(files.dir, 'other-cert.pem'), 'utf8')
      await expect(get(`${vigil.url}/health/`, pinnedTlsOptions(fingerprint, other))).rejects.toThrow()
    } finally {
      await vigil.stop()
    }
  }, 40_000)

  it('refuses a key that is not the certificate’s, and one file without the other, before starting', async () => {
    const cli = (args: string[]) =>
      run(process.execPath, ['--import', 'tsx', SOURCE_CLI, 'serve', '--port', '0', '--data-dir', join(files.dir, 'data'), ...args]).catch((error: { code: number; stderr: string }) => error)
    expect(await cli(['--tls-cert', join(files.dir, 'own-cert.pem'), '--tls-key', join(files.dir, 'other-key.pem')])).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('the key does not belong to the certificate')
    })
    expect(await cli(['--tls-cert', join(files.dir, 'own-cert.pem')])).toMatchObject({ code: 2, stderr: expect.stringContaining('--tls-cert and --tls-key go together') })
  }, 40_000)
})
