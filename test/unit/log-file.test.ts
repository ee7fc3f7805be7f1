import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { LOG_FILE, RotatingLogFile } from '../../src/main/base/log/log-file'
import { createRedactor, redactUrl } from '../../src/main/base/security/redact'
import { makeTempDir } from '../helpers/temp-dir'

const temps: Array<{ remove: () => void }> = []
afterEach(() => {
  for (const temp of temps.splice(0)) temp.remove()
})

describe('the log file', () => {
  it('rotates by size, keeps N old files, and makes every file 0600 in a 0700 directory', () => {
    const temp = makeTempDir()
    temps.push(temp)
    const dir = join(temp.dir, 'logs')
    const log = new RotatingLogFile(dir, { maxBytes: 100, keep: 2 })
    for (let index = 0; index < 20; index++) log.write(`line ${String(index).padStart(2, '0')} ${'x'.repeat(30)}`)
    log.close()
    expect(readdirSync(dir).sort()).toEqual([LOG_FILE, `${LOG_FILE}.1`, `${LOG_FILE}.2`])
    expect(statSync(dir).mode & 0o777).toBe(0o700)
    for (const name of readdirSync(dir)) {
      expect(statSync(join(dir, name)).mode & 0o777, name).toBe(0o600)
      expect(statSync(join(dir, name)).size, name).toBeLessThanOrEqual(100)
    }
    // Newest last in vigil.log, the one before in .1; the oldest lines are gone.
    expect(readFileSync(join(dir, LOG_FILE), 'utf8')).toContain('line 19')
    expect(readFileSync(join(dir, `${LOG_FILE}.1`), 'utf8')).toContain('line 17')
    expect(readdirSync(dir).map((name) => readFileSync(join(dir, name), 'utf8')).join('')).not.toContain('line 00')
  })

  it('appends to the file a previous run left, counting its size', () => {
    const temp = makeTempDir()
    temps.push(temp)
    const first = new RotatingLogFile(temp.dir, { maxBytes: 1000 })
    first.write('first run')
    first.close()
    const second = new RotatingLogFile(temp.dir, { maxBytes: 1000 })
    second.write('second run')
    second.close()
    expect(readFileSync(join(temp.dir, LOG_FILE), 'utf8')).toBe('first run\nsecond run\n')
  })
})

describe('redaction', () => {
  const token = 'a'.repeat(64)

  it('redacts credential parameters in URLs, and only those', () => {
    expect(redactUrl(`/ws/metrics/x/?token=${token}&metric=vmstat`)).toBe('/ws/metrics/x/?token=[REDACTED]&metric=vmstat')
    expect(redactUrl(`/auth/login?code=${'b'.repeat(48)}`)).toBe('/auth/login?code=[REDACTED]')
    expect(redactUrl('/api/servers/?page=2&search=token')).toBe('/api/servers/?page=2&search=token')
    expect(redactUrl('/api/oracle-tables/?schema_code=1')).toBe('/api/oracle-tables/?schema_code=1')
    // A user's API token travels in the path when it is revoked.
    const apiToken = `vgl_${'Ab9_-'.repeat(8)}xyz`
    expect(redactUrl(`/api/v1/auth/token/${apiToken}/`)).toBe('/api/v1/auth/token/vgl_[REDACTED]/')
    expect(createRedactor()(`revoking ${apiToken} failed`)).toBe('revoking vgl_[REDACTED] failed')
  })

  it('scrubs headers, Bearer values and known secrets from any line', () => {
    const redact = createRedactor([token])
    const line = JSON.stringify({
      msg: `failed GET /rpc/events?token=${token}`,
      headers: { authorization: `Bearer ${token}`, cookie: 'vigil_session=' + 'c'.repeat(64), 'x-session': 'd'.repeat(64), host: '127.0.0.1' },
      err: { message: `Authorization: Token ${token}\nX-Session: ${'d'.repeat(64)}` },
      other: `the token is ${token}`
    })
    const clean = redact(line)
    expect(clean).not.toContain(token)
    expect(clean).not.toContain('c'.repeat(64))
    expect(clean).not.toContain('d'.repeat(64))
    expect(clean).toContain('"host":"127.0.0.1"')
    expect(JSON.parse(clean).headers).toEqual({ authorization: '[REDACTED]', cookie: '[REDACTED]', 'x-session': '[REDACTED]', host: '127.0.0.1' })
  })

  it('scrubs the sysmon spec’s X-TC-APP-KEY, which carries the API token too', () => {
    const key = 'e'.repeat(64)
    const redact = createRedactor([])
    const clean = redact(JSON.stringify({ headers: { 'x-tc-app-key': key }, err: { message: `X-TC-APP-KEY: ${key}` } }))
    expect(clean).not.toContain(key)
    expect(JSON.parse(clean).headers).toEqual({ 'x-tc-app-key': '[REDACTED]' })
  })
})
