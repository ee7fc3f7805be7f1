// The client CLI's pure parts: which server and token a command uses, how every face's error
// becomes one line and an exit code, and the tables people read. The commands themselves run
// against a real server in test/integration/cli-client.test.ts.
import { describe, expect, it } from 'vitest'
import { httpError, messageOf } from '../../src/main/cli/api-client'
import { configFile, DEFAULT_URL, normalizeUrl, resolveTarget } from '../../src/main/cli/client-config'
import { rowLine } from '../../src/main/cli/commands/metrics'
import { resolveTime } from '../../src/main/cli/commands/query'
import { CliError, EXIT, exitCodeOfStatus } from '../../src/main/cli/exit-codes'
import { formatPairs, formatTable } from '../../src/main/cli/tables'

describe('where the config file is', () => {
  it('is $VIGIL_CLI_CONFIG, else under $XDG_CONFIG_HOME, else ~/.config', () => {
    expect(configFile({ VIGIL_CLI_CONFIG: '/etc/vigil-cli.json', XDG_CONFIG_HOME: '/x' })).toBe('/etc/vigil-cli.json')
    expect(configFile({ XDG_CONFIG_HOME: '/x' })).toBe('/x/vigil/cli.json')
    expect(configFile({})).toMatch(/\/\.config\/vigil\/cli\.json$/)
  })
})

describe('which server and which token', () => {
  const config = {
    url: 'http://jump:7420',
    credentials: { 'http://jump:7420': { token: 'vgl_stored', username: 'alice', name: null, expires_at: null } }
  }

  it('takes --url over $VIGIL_URL over the config over the default', () => {
    expect(resolveTarget({}, {}, {}, 'f').url).toBe(DEFAULT_URL)
    expect(resolveTarget(config, {}, {}, 'f')).toMatchObject({ url: 'http://jump:7420', urlSource: 'f', token: 'vgl_stored' })
    expect(resolveTarget(config, {}, { VIGIL_URL: 'http://env:1/' }, 'f')).toMatchObject({ url: 'http://env:1', urlSource: '$VIGIL_URL' })
    expect(resolveTarget(config, { url: 'http://flag:2' }, { VIGIL_URL: 'http://env:1' }, 'f')).toMatchObject({ url: 'http://flag:2', urlSource: '--url' })
  })

  it('sends a stored token only to the server it was stored for; $VIGIL_TOKEN wins', () => {
    expect(resolveTarget(config, { url: 'http://elsewhere:7420' }, {}, 'f').token).toBeNull()
    expect(resolveTarget(config, {}, { VIGIL_TOKEN: ' vgl_env\n' }, 'f')).toMatchObject({ token: 'vgl_env', tokenSource: '$VIGIL_TOKEN' })
  })

  it('keeps one form of a URL, and refuses what is not an http(s) base URL', () => {
    expect(normalizeUrl('HTTPS://Jump.Example.net:7420/vigil/')).toBe('https://jump.example.net:7420/vigil')
    expect(normalizeUrl('http://127.0.0.1:7420')).toBe('http://127.0.0.1:7420')
    for (const bad of ['jump:7420', 'ftp://jump', 'http://alice:pw@jump', 'http://jump/?x=1']) expect(() => normalizeUrl(bad)).toThrow(CliError)
  })
})

describe('errors', () => {
  it('maps statuses to the documented exit codes', () => {
    expect([400, 401, 403, 404, 406, 429, 500, 502, 422].map(exitCodeOfStatus)).toEqual([
      EXIT.usage,
      EXIT.unauthenticated,
      EXIT.forbidden,
      EXIT.notFound,
      EXIT.usage,
      EXIT.rateLimited,
      EXIT.serverError,
      EXIT.serverError,
      EXIT.serverError
    ])
  })

  it("reads each face's message", () => {
    // /api/v1 (webops), with the fields at fault
    expect(messageOf(JSON.stringify({ success: false, error: { code: 'VALIDATION_ERROR', message: 'Invalid input data', details: { username: ['This field is required.'] } } }))).toBe(
      'Invalid input data (username: This field is required.)'
    )
    // the primary API
    expect(messageOf(JSON.stringify({ error: 'Validation error', details: { ssh_port: ['must be <= 65535'] }, timestamp: 'now' }))).toBe('Validation error (ssh_port: must be <= 65535)')
    // the agent and Prometheus faces
    expect(messageOf(JSON.stringify({ error: 'Instance 9 not found' }))).toBe('Instance 9 not found')
    expect(messageOf(JSON.stringify({ status: 'error', errorType: 'bad_data', error: 'parse error' }))).toBe('parse error')
    expect(messageOf('Bad Gateway\n<html>')).toBe('Bad Gateway')
    expect(messageOf('')).toBeNull()
  })

  it('prints Retry-After with a 429', () => {
    const error = httpError({ status: 429, headers: { 'retry-after': '42' }, text: JSON.stringify({ success: false, error: { code: 'RATE_LIMIT_EXCEEDED', message: 'Rate limit exceeded' } }) })
    expect(error.exitCode).toBe(EXIT.rateLimited)
    expect(error.message).toBe('HTTP 429: Rate limit exceeded (Retry-After: 42 s)')
  })
})

describe('output', () => {
  it('aligns columns, numbers to the right, one line per row whatever the text', () => {
    const rows = [
      { name: 'web-01', cpu: 3.5, query: 'SELECT 1' },
      { name: 'db', cpu: 12, query: 'SELECT *\n  FROM accounts' },
      { name: 'x', cpu: null, query: 'a'.repeat(30) }
    ]
    const table = formatTable(
      [
        { header: 'NAME', value: (row: (typeof rows)[number]) => row.name },
        { header: 'CPU', value: (row) => row.cpu, align: 'right' },
        { header: 'QUERY', value: (row) => row.query, max: 12 }
      ],
      rows
    )
    expect(table).toBe(['NAME    CPU  QUERY', 'web-01  3.5  SELECT 1', 'db       12  SELECT * FR…', 'x         -  aaaaaaaaaaa…', ''].join('\n'))
    expect(formatPairs([['url', 'http://x'], ['permissions', 'servers:read']])).toBe('url:         http://x\npermissions: servers:read\n')
  })

  it('prints a live row as one line, and anything else as it came', () => {
    expect(rowLine(JSON.stringify({ metric: 'vmstat', server_id: 's', timestamp: '2026-12-02T16:45:01Z', values: { r: 1, us: 3, st: null }, id: 1 }))).toBe('2026-12-02T16:45:01Z  vmstat  r=1 us=3 st=-')
    expect(rowLine('{"type":"hello"}')).toBe('{"type":"hello"}')
    expect(rowLine('not json')).toBe('not json')
  })

  it('reads now and now-DURATION as Unix seconds, and leaves other times to the server', () => {
    const now = Date.parse('2026-12-02T17:00:00Z')
    expect(resolveTime('now', now)).toBe(String(now / 1000))
    expect(resolveTime('now-1h', now)).toBe(String(now / 1000 - 3600))
    expect(resolveTime('-15m', now)).toBe(String(now / 1000 - 900))
    expect(resolveTime('2026-12-01T00:00:00Z', now)).toBe('2026-12-01T00:00:00Z')
    expect(resolveTime('1800000000', now)).toBe('1800000000')
  })
})
