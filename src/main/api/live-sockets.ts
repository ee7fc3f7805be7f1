import type { FastifyBaseLogger } from 'fastify'
import type { WebSocket } from 'ws'
import { redactUrl } from '../base/security/redact'

/** How Vigil keeps its WebSocket clients honest. */
export interface LivenessOptions {
  /** A ping this often; a client that has not answered the previous one by then is dropped. */
  pingIntervalMs: number
  /** Past this many bytes waiting for a client, messages to it are skipped (it is behind)… */
  skipBytes: number
  /** …and a client behind for this long is closed (1008, with the reason). */
  behindLimitMs: number
  /** Past this many bytes waiting (one huge message on top of a backlog), it is dropped at once. */
  dropBytes: number
}

export const DEFAULT_LIVENESS: LivenessOptions = {
  pingIntervalMs: 30_000,
  skipBytes: 1 << 20,
  behindLimitMs: 30_000,
  dropBytes: 4 << 20
}

/** How long a closed client may take to read its backlog and the close frame before it is cut off. */
const CLOSE_GRACE_MS = 5_000

/** Close code for a client that does not keep up: "policy violation", as RFC 6455 has no better one. */
export const CLOSE_TOO_SLOW = 1008

interface Watched {
  url: string
  /** Answered the last ping (or none sent yet). */
  alive: boolean
  lastPingAt: number
  /** Since when it has had more than skipBytes waiting; null while it keeps up. */
  behindSince: number | null
  closing: boolean
}

/**
 * Every WebSocket Vigil serves, watched: pinged, and dropped when it stops answering (a dead
 * peer, a client that never reads); messages to a client that has fallen behind are skipped,
 * and a client that stays behind is closed. Memory per client stays bounded by skipBytes plus
 * one batch of messages, and no socket lingers.
 */
export class LiveSockets {
  private readonly sockets = new Map<WebSocket, Watched>()
  private readonly timer: NodeJS.Timeout
  private readonly options: LivenessOptions

  constructor(
    options: Partial<LivenessOptions>,
    private readonly log: FastifyBaseLogger,
    private readonly now: () => number = Date.now
  ) {
    this.options = { ...DEFAULT_LIVENESS, ...options }
    const tick = Math.max(10, Math.min(this.options.pingIntervalMs, this.options.behindLimitMs) / 2)
    this.timer = setInterval(() => this.check(), tick)
    this.timer.unref()
  }

  get size(): number {
    return this.sockets.size
  }

  watch(socket: WebSocket, url: string): void {
    const watched: Watched = { url: redactUrl(url), alive: true, lastPingAt: this.now(), behindSince: null, closing: false }
    this.sockets.set(socket, watched)
    socket.on('pong', () => (watched.alive = true))
    const forget = (): void => {
      this.sockets.delete(socket)
    }
    socket.once('close', forget)
    socket.once('error', forget)
  }

  /**
   * Sends the messages unless the client is behind: past skipBytes waiting they are skipped
   * (the client catches up later, or is closed once behind for behindLimitMs) — or, with
   * `whenBehind: 'close'`, for a stream that must not have holes (the UI's events: it
   * reconnects and refetches), the client is closed at once; past dropBytes it is in any case.
   */
  send(socket: WebSocket, messages: readonly string[], whenBehind: 'skip' | 'close' = 'skip'): void {
    const watched = this.sockets.get(socket)
    if (!watched || watched.closing || socket.readyState !== socket.OPEN) return
    if (socket.bufferedAmount > this.options.dropBytes || (whenBehind === 'close' && socket.bufferedAmount > this.options.skipBytes)) {
      this.drop(socket, watched, `${socket.bufferedAmount} bytes waiting`)
      return
    }
    if (socket.bufferedAmount > this.options.skipBytes) {
      watched.behindSince ??= this.now()
      return
    }
    watched.behindSince = null
    for (const text of messages) socket.send(text)
  }

  close(): void {
    clearInterval(this.timer)
  }

  private check(): void {
    const now = this.now()
    for (const [socket, watched] of this.sockets) {
      if (watched.closing) continue
      if (socket.bufferedAmount > this.options.skipBytes) watched.behindSince ??= now
      else watched.behindSince = null
      if (watched.behindSince !== null && now - watched.behindSince >= this.options.behindLimitMs) {
        this.drop(socket, watched, `${socket.bufferedAmount} bytes waiting for over ${duration(this.options.behindLimitMs)}`)
        continue
      }
      if (now - watched.lastPingAt >= this.options.pingIntervalMs) {
        if (!watched.alive) {
          // A peer that does not answer pings would not read a close frame either.
          this.log.warn({ url: watched.url }, `dropping a WebSocket client: no answer to a ping within ${duration(this.options.pingIntervalMs)}`)
          watched.closing = true
          this.sockets.delete(socket)
          socket.terminate()
          continue
        }
        watched.alive = false
        watched.lastPingAt = now
        socket.ping()
      }
    }
  }

  /**
   * Closes with the reason, which a client that still reads gets after its backlog, then cuts
   * the connection shortly after: a client that does not read would never complete the closing
   * handshake, and what waits for it must be freed.
   */
  private drop(socket: WebSocket, watched: Watched, why: string): void {
    watched.closing = true
    this.sockets.delete(socket)
    this.log.warn({ url: watched.url }, `closing a slow WebSocket client: ${why}`)
    socket.close(CLOSE_TOO_SLOW, `Client too slow: ${why}`.slice(0, 120))
    setTimeout(() => socket.terminate(), Math.min(CLOSE_GRACE_MS, this.options.behindLimitMs)).unref()
  }
}

const duration = (ms: number): string => (ms < 1000 ? `${ms} ms` : `${Math.round(ms / 1000)} s`)
