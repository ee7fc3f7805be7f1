import { resolve } from 'node:path'
import { createApp, type VigilApp } from '../../src/main/app'
import { DEFAULT_RATE_LIMITS, resolveConfig, type VigilConfig } from '../../src/main/config'
import { makeTempDir } from './temp-dir'

export interface ApiResponse<T = unknown> {
  status: number
  headers: Headers
  body: T
  text: string
}

export interface RequestOptions {
  body?: unknown
  rawBody?: string | Buffer
  headers?: Record<string, string>
  /** Send no Authorization header. */
  anonymous?: boolean
}

export interface TestApi {
  app: VigilApp
  url: string
  token: string
  dataDir: string
  request<T = any>(method: string, path: string, options?: RequestOptions): Promise<ApiResponse<T>>
  close(): Promise<void>
}

/**
 * Vigil's real API on a random loopback port with a throwaway data dir — or the `dataDir` given,
 * which is then the caller's and outlives close() (to start again on it).
 */
export async function startApi(overrides: Partial<VigilConfig> = {}): Promise<TestApi> {
  const temp = overrides.dataDir === undefined ? makeTempDir() : null
  const dataDir = overrides.dataDir ?? (temp as { dir: string }).dir
  const app = await createApp(
    resolveConfig({
      port: 0,
      version: 'test',
      vendorDir: resolve('node_modules/redoc/bundles'),
      // Collection is tested on its own; API tests see only the servers they create.
      collect: false,
      monitorLocalhost: false,
      // Every test logs in from 127.0.0.1, and many log in more than the 5 attempts a quarter of
      // an hour an address gets: the tests of the limits set theirs.
      rateLimits: { ...DEFAULT_RATE_LIMITS, auth: { max: 10_000, windowSeconds: 900 } },
      ...overrides,
      // After the overrides: `dataDir: undefined` must not fall back to the user's own data dir.
      dataDir
    })
  )
  const url = await app.listen()
  return {
    app,
    url,
    // The owner's token now: a test (or the fuzzer) may rotate it.
    get token() {
      return app.apiToken
    },
    dataDir,
    async request(method, path, options = {}) {
      const headers: Record<string, string> = { ...options.headers }
      if (!options.anonymous && !('authorization' in lower(headers))) headers.Authorization = `Bearer ${app.apiToken}`
      let body: string | Buffer | undefined
      if (options.rawBody !== undefined) body = options.rawBody
      else if (options.body !== undefined) {
        body = JSON.stringify(options.body)
        headers['Content-Type'] ??= 'application/json'
      }
      const response = await fetch(url + path, { method, headers, body: typeof body === 'string' || body === undefined ? body : new Uint8Array(body), redirect: 'manual' })
      const text = await response.text()
      let parsed: unknown = text
      try {
        parsed = text ? JSON.parse(text) : null
      } catch {
        // not JSON: keep the text
      }
      return { status: response.status, headers: response.headers, body: parsed as never, text }
    },
    async close() {
      await app.close()
      temp?.remove()
    }
  }
}

function lower(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([key, value]) => [key.toLowerCase(), value]))
}

export const validServer = (overrides: Record<string, unknown> = {}) => ({
  hostname: 'web-server-01',
  ip_address: '192.0.2.10',
  ssh_username: 'admin',
  ...overrides
})
