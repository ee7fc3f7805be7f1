import type { Channel, Outcome, Req, Res, Topic, Topics, VigilBridge } from '../../../shared/contract'

/**
 * The contract over HTTP for the UI opened in a browser from `vigil serve`: invoke is
 * `POST /rpc/{channel}`, subscribe is the `/rpc/events` WebSocket. The session cookie
 * authenticates both.
 */
const IDLE_CLOSE_MS = 2_000

export function createHttpBridge(base = ''): VigilBridge {
  const listeners = new Map<Topic, Set<(payload: unknown) => void>>()
  let socket: WebSocket | null = null
  let retryDelay = 500
  let idleClose: ReturnType<typeof setTimeout> | null = null

  function connect(): void {
    if (socket || listeners.size === 0) return
    const url = new URL(`${base}/rpc/events`, window.location.href)
    url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:'
    const ws = new WebSocket(url)
    socket = ws
    ws.onopen = () => {
      retryDelay = 500
      for (const topic of listeners.keys()) ws.send(JSON.stringify({ subscribe: topic }))
    }
    ws.onmessage = (event) => {
      const message = JSON.parse(String(event.data)) as { topic?: Topic; payload?: unknown }
      if (message.topic) for (const listener of listeners.get(message.topic) ?? []) listener(message.payload)
    }
    ws.onclose = () => {
      socket = null
      if (listeners.size === 0) return
      setTimeout(connect, retryDelay)
      retryDelay = Math.min(retryDelay * 2, 15_000)
    }
  }

  return {
    async invoke<C extends Channel>(channel: C, req: Req<C>): Promise<Outcome<Res<C>>> {
      let response: Response
      try {
        response = await fetch(`${base}/rpc/${channel}`, {
          method: 'POST',
          credentials: 'same-origin',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify(req ?? {})
        })
      } catch {
        return { ok: false, error: { code: 'unavailable', message: 'Vigil is not reachable; is `vigil serve` running?' } }
      }
      try {
        return (await response.json()) as Outcome<Res<C>>
      } catch {
        return { ok: false, error: { code: 'internal', message: `Unexpected answer from Vigil (HTTP ${response.status})` } }
      }
    },
    subscribe<T extends Topic>(topic: T, listener: (payload: Topics[T]) => void): () => void {
      let set = listeners.get(topic)
      if (!set) {
        set = new Set()
        listeners.set(topic, set)
        if (socket?.readyState === WebSocket.OPEN) socket.send(JSON.stringify({ subscribe: topic }))
      }
      const wrapped = listener as (payload: unknown) => void
      set.add(wrapped)
      if (idleClose) clearTimeout(idleClose)
      idleClose = null
      connect()
      return () => {
        set.delete(wrapped)
        if (set.size > 0) return
        listeners.delete(topic)
        if (socket?.readyState === WebSocket.OPEN) socket.send(JSON.stringify({ unsubscribe: topic }))
        // Closed a moment later: switching views unsubscribes and subscribes again in one go,
        // and a socket closed in between would miss the events of its reconnection.
        if (listeners.size === 0) {
          idleClose ??= setTimeout(() => {
            idleClose = null
            if (listeners.size === 0) socket?.close()
          }, IDLE_CLOSE_MS)
        }
      }
    }
  }
}

export type LoginResult = { ok: true } | { ok: false; message: string }

/** A user's username and password for a session cookie of theirs. */
export function loginWithPassword(username: string, password: string, base = ''): Promise<LoginResult> {
  return openSession(`${base}/auth/login`, { username: username.trim(), password })
}

/** Exchanges the owner's API token for a session cookie (the alternative to a login URL). */
export function loginWithToken(token: string, base = ''): Promise<LoginResult> {
  return openSession(`${base}/auth/session`, { token: token.trim() })
}

/** POSTs credentials; a refusal comes back as the message to show (a rate limit with its wait). */
async function openSession(url: string, credentials: Record<string, string>): Promise<LoginResult> {
  let response: Response
  try {
    response = await fetch(url, {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(credentials)
    })
  } catch {
    return { ok: false, message: 'Vigil is not reachable; is `vigil serve` running?' }
  }
  if (response.ok) return { ok: true }
  if (response.status === 429) {
    const wait = Number(response.headers.get('Retry-After'))
    return { ok: false, message: `Too many login attempts from this address; try again in ${Number.isFinite(wait) && wait > 0 ? wait : 'a few'} seconds.` }
  }
  const body = (await response.json().catch(() => ({}))) as { error?: string }
  return { ok: false, message: body.error ?? `Login failed (HTTP ${response.status})` }
}

export async function logout(base = ''): Promise<void> {
  await fetch(`${base}/auth/logout`, { method: 'POST', credentials: 'same-origin' })
}
