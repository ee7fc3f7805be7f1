// serve.json: what a running `vigil serve` records in its data dir — its URL, and its certificate
// when it serves HTTPS — so commands on the same machine reach it and trust exactly that certificate.
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { SERVE_FILE } from '../base/locations'
import type { TlsTrust } from './http'

export interface RunningServer {
  url: string
  /** The certificate, pinned by fingerprint (it may well be self-signed); null over plain HTTP. */
  trust: TlsTrust | null
}

export function readServeFile(dataDir: string): RunningServer | null {
  const file = join(dataDir, SERVE_FILE)
  if (!existsSync(file)) return null
  try {
    const { url, tls } = JSON.parse(readFileSync(file, 'utf8')) as { url: string; tls?: { fingerprint256: string; cert: string } | null }
    return { url, trust: tls ? { kind: 'pinned', fingerprint256: tls.fingerprint256, cert: tls.cert } : null }
  } catch {
    // Half-written or foreign: as if no server ran.
    return null
  }
}
