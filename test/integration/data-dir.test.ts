// Everything Vigil writes is its user's alone (issue 12, finding 4), and errors reach a log in the
// data directory even without --log, with no credential in it (findings 2 and 3).
import { chmodSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { LOG_DIR, LOG_FILE } from '../../src/main/base/log/log-file'
import { startApi, type TestApi } from '../helpers/api'
import { makeTempDir } from '../helpers/temp-dir'

const cleanups: Array<() => Promise<void> | void> = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

/** Every entry under dir with its mode, e.g. { 'vigil.db': 0o600, logs: 0o700 }. */
function modes(dir: string, prefix = ''): Record<string, number> {
  const found: Record<string, number> = {}
  for (const name of readdirSync(dir)) {
    const path = join(dir, name)
    const stat = statSync(path)
    found[prefix + name] = stat.mode & 0o777
    if (stat.isDirectory()) Object.assign(found, modes(path, `${prefix}${name}/`))
  }
  return found
}

async function started(dataDir: string): Promise<TestApi> {
  const api = await startApi({ dataDir })
  cleanups.push(() => api.close())
  return api
}

describe('file modes', () => {
  it('tightens a pre-existing 0755 data directory and everything Vigil writes in it to 0700/0600', async () => {
    const temp = makeTempDir()
    cleanups.push(temp.remove)
    const dataDir = join(temp.dir, 'Vigil')
    mkdirSync(dataDir, { mode: 0o755 })
    chmodSync(dataDir, 0o755)
    writeFileSync(join(dataDir, 'vigil.db'), '')
    chmodSync(join(dataDir, 'vigil.db'), 0o644)
    mkdirSync(join(dataDir, LOG_DIR), { mode: 0o755 })
    chmodSync(join(dataDir, LOG_DIR), 0o755)

    const api = await started(dataDir)
    // Writes that create the WAL and its index, and a log line.
    for (let index = 0; index < 5; index++) {
      await api.request('POST', '/api/servers/create/', { body: { hostname: `mode-${index}`, ip_address: '192.0.2.1', ssh_username: 'u' } })
    }
    await api.request('GET', '/api/servers/?page=2000000')

    expect(statSync(dataDir).mode & 0o777).toBe(0o700)
    const found = modes(dataDir)
    expect(Object.keys(found)).toEqual(expect.arrayContaining(['vigil.db', 'vigil.db-wal', 'vigil.db-shm', 'api-token', 'secret.key', LOG_DIR, `${LOG_DIR}/${LOG_FILE}`]))
    for (const [name, mode] of Object.entries(found)) {
      expect(mode.toString(8), name).toBe(statSync(join(dataDir, name)).isDirectory() ? '700' : '600')
    }
    expect(api.app.notices).toEqual(
      expect.arrayContaining([`${dataDir} was readable by other users (mode 0755); now 0700`, `${join(dataDir, 'vigil.db')} was readable by other users (mode 0644); now 0600`])
    )
    expect(readFileSync(join(dataDir, LOG_DIR, LOG_FILE), 'utf8')).toContain(`${dataDir} was readable by other users (mode 0755); now 0700`)
  })

  it('creates a missing data directory 0700 with 0600 files', async () => {
    const temp = makeTempDir()
    cleanups.push(temp.remove)
    const dataDir = join(temp.dir, 'deep', 'Vigil')
    const api = await started(dataDir)
    await api.request('POST', '/api/servers/create/', { body: { hostname: 'fresh', ip_address: '192.0.2.1', ssh_username: 'u' } })
    expect(api.app.notices).toEqual([])
    for (const [name, mode] of Object.entries(modes(dataDir))) {
      expect(mode.toString(8), name).toBe(statSync(join(dataDir, name)).isDirectory() ? '700' : '600')
    }
  })
})

describe('the log', () => {
  it('records an internal error in the data directory without --log, with no credential in it', async () => {
    const temp = makeTempDir()
    cleanups.push(temp.remove)
    const api = await started(temp.dir)
    const servers = api.app.servers as unknown as { list: () => never }
    servers.list = () => {
      throw new Error(`database exploded while serving Bearer ${api.token}`)
    }
    const response = await api.request('GET', `/api/servers/?token=${api.token}`, { headers: { 'X-Session': 'e'.repeat(64) } })
    expect(response.status).toBe(500)
    expect(response.body.error).toBe('Internal error; see the Vigil log for details')

    const log = readFileSync(api.app.logFile, 'utf8')
    const line = log.split('\n').find((text) => text.includes('request failed'))
    expect(line).toBeDefined()
    const entry = JSON.parse(line as string) as { level: number; err: { message: string }; req?: { url: string } }
    expect(entry.level).toBe(50)
    expect(entry.err.message).toBe('database exploded while serving Bearer [REDACTED]')
    expect(log).not.toContain(api.token)
    // Requests themselves are logged only with --log.
    expect(log).not.toContain('incoming request')
  })
})
