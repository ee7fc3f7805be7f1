import type { FastifyInstance } from 'fastify'
import { isChannel, isTopic, type Channel, type Topic } from '../../../shared/contract'
import { AppError } from '../../../shared/errors'
import type { EventBus } from '../../base/bus'
import { invoke, type Handlers } from '../../handlers'
import { STATUS_OF } from '../errors'
import type { ApiFace } from '../face'

/**
 * The renderer's contract over HTTP, for the UI opened in a browser from `vigil serve`: every
 * answer, errors included, is the contract's `Outcome`.
 */
export function rpcFace(handlers: Handlers, bus: EventBus): ApiFace {
  return {
    name: 'rpc',
    prefix: '/rpc',
    errorStatus: (error) => STATUS_OF[error.code],
    errorBody: (error) => ({ ok: false, error: error.toBody() }),
    routes: (scope) => rpcRoutes(scope, handlers, bus)
  }
}

function rpcRoutes(app: FastifyInstance, handlers: Handlers, bus: EventBus): void {
  app.post<{ Params: { channel: string } }>(
    '/:channel',
    { schema: { hide: true } },
    async (request, reply) => {
      const { channel } = request.params
      if (!isChannel(channel)) throw new AppError('not_found', `Unknown channel '${channel}'`)
      const outcome = await invoke(handlers, channel as Channel, request.body as never, (error) =>
        request.log.error({ err: error, channel }, 'handler failed')
      )
      return reply.code(outcome.ok ? 200 : STATUS_OF[outcome.error.code]).send(outcome)
    }
  )

  // Subscriptions: the client sends {"subscribe": topic} and gets {"subscribed": topic} back;
  // events then arrive as {"topic", "payload"}.
  app.get('/events', { websocket: true, schema: { hide: true } }, (socket) => {
    const unsubscribers = new Map<Topic, () => void>()
    socket.on('message', (data: Buffer) => {
      let message: { subscribe?: unknown; unsubscribe?: unknown }
      try {
        message = JSON.parse(data.toString('utf8')) as typeof message
      } catch {
        socket.send(JSON.stringify({ error: 'Messages must be JSON' }))
        return
      }
      if (isTopic(message.subscribe) && !unsubscribers.has(message.subscribe)) {
        const topic = message.subscribe
        unsubscribers.set(
          topic,
          // A subscriber that falls behind is closed, not skipped: it reconnects and refetches.
          bus.subscribe(topic, (payload) => app.liveSockets.send(socket, [JSON.stringify({ topic, payload })], 'close'))
        )
        socket.send(JSON.stringify({ subscribed: topic }))
      } else if (isTopic(message.unsubscribe)) {
        unsubscribers.get(message.unsubscribe)?.()
        unsubscribers.delete(message.unsubscribe)
      } else if (!isTopic(message.subscribe)) {
        socket.send(JSON.stringify({ error: 'Unknown topic' }))
      }
    })
    socket.on('close', () => {
      for (const unsubscribe of unsubscribers.values()) unsubscribe()
      unsubscribers.clear()
    })
  })
}
