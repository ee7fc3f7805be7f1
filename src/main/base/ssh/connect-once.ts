// One connection attempt: credentials, TCP, handshake with host key pinning, authentication.
// The answer is a value (never a rejection), so no attempt can end as an unhandled rejection.
import { Client, type ConnectConfig, type HostVerifier } from 'ssh2'
import { loadCredentials, makeAuthHandler, newAuthLog } from './auth'
import { classifyConnectError, type ConnectFailure, type FailureContext } from './errors'
import { hostKeyOf, type HostKey, type HostKeyStore } from './host-keys'
import type { ResolvedSshOptions } from './types'
import { messageOf } from '../text'

export type AttemptResult =
  | { ok: true; client: Client; hostKey: HostKey; newlyPinned: boolean }
  | { ok: false; failure: ConnectFailure; presentedHostKey: HostKey | null }

export interface ConnectAttempt {
  result: Promise<AttemptResult>
  /** Abandons the attempt (or closes the client it produced). */
  cancel(): void
}

export function connectOnce(options: ResolvedSshOptions, store: HostKeyStore): ConnectAttempt {
  const client = new Client()
  // An error listener for the client's whole life: ssh2 emits 'error' on a client that nobody
  // listens to any more (e.g. after a drop), and an unheard 'error' would crash the process.
  client.on('error', () => {})
  let cancelled = false

  const result = new Promise<AttemptResult>((resolve) => {
    let settled = false
    let presented: HostKey | null = null
    let newlyPinned = false
    const context: FailureContext = {
      host: options.host,
      port: options.port,
      username: options.username,
      readyTimeoutMs: options.readyTimeoutMs,
      auth: newAuthLog(null),
      hostKeyMismatch: null,
      hostKeyStoreError: null,
      wasConnected: false
    }

    const fail = (failure: ConnectFailure): void => {
      if (settled) return
      settled = true
      client.destroy()
      resolve({ ok: false, failure, presentedHostKey: presented })
    }
    const failWith = (err: unknown): void => {
      if (!settled) fail(classifyConnectError(err, context))
    }

    const hostVerifier: HostVerifier = (keyBlob, verify) => {
      const key = hostKeyOf(keyBlob)
      presented = key
      const check = async (): Promise<boolean> => {
        const pinned = await store.get(options.serverId)
        if (!pinned) {
          await store.pin(options.serverId, key)
          newlyPinned = true
          return true
        }
        if (pinned.fingerprint === key.fingerprint) return true
        context.hostKeyMismatch = { pinned, presented: key }
        return false
      }
      check().then(verify, (err: unknown) => {
        context.hostKeyStoreError = messageOf(err)
        verify(false)
      })
    }

    const start = async (): Promise<void> => {
      const loaded = await loadCredentials(options)
      if (cancelled) {
        fail({ state: 'error', message: 'Connection attempt cancelled', retry: false })
        return
      }
      if (!loaded.ok) {
        fail(loaded.failure)
        return
      }
      context.auth = newAuthLog(loaded.credentials)
      client.on('error', failWith)
      client.on('close', () => failWith(null))
      client.on('ready', () => {
        if (settled) return
        settled = true
        resolve({ ok: true, client, hostKey: presented as HostKey, newlyPinned })
      })
      // An expired password: ssh2 would wait forever for a new one; nobody is there to type it.
      client.on('change password', () => {
        context.auth.passwordExpired = true
        failWith(new Error('password change requested'))
      })
      const config: ConnectConfig = {
        host: options.host,
        port: options.port,
        username: options.username,
        readyTimeout: options.readyTimeoutMs,
        keepaliveInterval: options.keepaliveIntervalMs,
        keepaliveCountMax: options.keepaliveCountMax,
        hostVerifier,
        authHandler: makeAuthHandler(options.username, loaded.credentials, context.auth)
      }
      try {
        client.connect(config)
      } catch (err) {
        // ssh2 checks the settings synchronously; retrying the same settings cannot help.
        fail({ state: 'error', message: `Invalid SSH settings for ${options.host}: ${messageOf(err)}`, retry: false })
      }
    }

    start().catch(failWith)
  })

  return {
    result,
    cancel: () => {
      cancelled = true
      client.destroy()
    }
  }
}
