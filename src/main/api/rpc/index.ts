import type { FastifyInstance } from 'fastify'
import { TOPIC_AREAS } from '../../../shared/access'
import { isChannel, isTopic, type Channel, type Topic } from '../../../shared/contract'
import { AppError } from '../../../shared/errors'
import { allows, type Principal } from '../../users'
import type { EventBus } from '../../base/bus'
import { invoke, type Handlers } from '../../handlers'
import { STATUS_OF } from '../errors'
import { callerOf, type ApiFace } from '../face'

/**
 * The renderer's contract over HTTP, for the UI opened in a browser from `vigil serve`: every
 * answer, errors included, is the contract's `Outcome`. Any caller may reach it; each channel's
 * and topic's permission (shared/access.ts) is checked per call and per subscription.
 */
export function rpcFace(handlers: Handlers, bus: EventBus): ApiFace {
  return {
    name: 'rpc',
    prefix: '/rpc',
    errorStatus: (error) => STATUS_OF[error.code],
    errorBody: (error) => ({ ok: false, error: error.toBody() }),
    areas: [['/rpc', 'any']],
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
      const outcome = await invoke(handlers, channel as Channel, request.body as never, callerOf(request), (error) =>
        request.log.error({ err: error, channel }, 'handler failed')
      )
      return reply.code(outcome.ok ? 200 : STATUS_OF[outcome.error.code]).send(outcome)
    }
  )

  // Subscriptions: the client sends {"subscribe": topic} and gets {"subscribed": topic} back;
  // events then arrive as {"topic", "payload"}.
  app.get('/events', { websocket: true, schema: { hide: true } }, (socket, request) => {
    const caller = callerOf(request)
    const unsubscribers = new Map<Topic, () => void>()
    socket.on('message', (data: Buffer) => {
      let message: { subscribe?: unknown; unsubscribe?: unknown }
      try {
        message = JSON.parse(data.toString('utf8')) as typeof message
      } catch {
        socket.send(JSON.stringify({ error: 'Messages must be JSON' }))
        return
      }
      if (isTopic(message.subscribe) && !mayRead(caller, message.subscribe)) {
        socket.send(JSON.stringify({ error: `Forbidden: the topic '${message.subscribe}' needs the '${TOPIC_AREAS[message.subscribe]}:read' permission`, topic: message.subscribe }))
      } else if (isTopic(message.subscribe) && !unsubscribers.has(message.subscribe)) {
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

/** Whether the caller may receive a topic's events. */
function mayRead(caller: Principal, topic: Topic): boolean {
  const area = TOPIC_AREAS[topic]
  return area === 'any' || allows(caller, area, 'read')
}
