// /api/v1/webhooks/: webops-api.md's webhooks, in its envelope. Managing them is the `monitoring`
// area (read for the GETs); what each webhook is then sent is limited by its creator's areas,
// at delivery time (src/main/webhooks).
import type { FastifyInstance, FastifyRequest } from 'fastify'
import Type from 'typebox'
import { AppError } from '../../../shared/errors'
import { WebhookDeliverySchema, WebhookDetailSchema, WebhookSchema, WebhookTestSchema, WEBHOOK_EVENT_AREAS, ALL_EVENTS } from '../../../shared/webhooks'
import type { WebhooksService } from '../../webhooks'
import { callerOf } from '../face'
import { envelope, ok, okPage, PageQuery, pageOf, tags, type PageParams } from './envelope'

const IdParams = Type.Object({ id: Type.String({ description: 'The webhook’s numeric id' }) })
const route = { area: 'monitoring' as const }
const EVENTS_DOC = `Events: ${Object.entries(WEBHOOK_EVENT_AREAS)
  .map(([event, area]) => `\`${event}\` (${area})`)
  .join(', ')}, or \`${ALL_EVENTS}\` for all.`

function idOf(request: FastifyRequest): number {
  const text = (request.params as { id: string }).id
  if (!/^\d{1,15}$/.test(text)) throw new AppError('not_found', `Webhook ${text} not found`)
  return Number(text)
}


export function webhookRoutes(app: FastifyInstance, webhooks: WebhooksService): void {
  app.get<{ Querystring: PageParams }>(
    '/webhooks/',
    { config: route, schema: { tags, summary: 'List webhooks', querystring: PageQuery, response: { 200: envelope(Type.Array(WebhookSchema), true) } } },
    async (request) => {
      const { page, perPage } = pageOf(request.query)
      const { webhooks: list, total } = webhooks.page(page, perPage)
      return okPage(list, 'Webhooks retrieved', page, perPage, total)
    }
  )
  app.post(
    '/webhooks/',
    {
      config: route,
      schema: {
        tags,
        summary: 'Create a webhook',
        description: `\`{url, events, secret?, name?}\`: an http(s) URL; the secret signs every delivery (X-Vigil-Signature) and is never returned. ${EVENTS_DOC} An event is sent only if the creator may read its area when it happens.`,
        response: { 201: envelope(WebhookSchema) }
      }
    },
    async (request, reply) => reply.code(201).send(ok(webhooks.create(request.body, callerOf(request)), 'Webhook created'))
  )
  app.get(
    '/webhooks/:id/',
    { config: route, schema: { tags, summary: 'Get a webhook and its recent deliveries', params: IdParams, response: { 200: envelope(WebhookDetailSchema) } } },
    async (request) => ok(webhooks.get(idOf(request)), 'Webhook retrieved')
  )
  app.put(
    '/webhooks/:id/',
    {
      config: route,
      schema: {
        tags,
        summary: 'Update a webhook',
        description: 'Any of `url, events, secret, name, active`; `{"active": true}` re-enables a webhook Vigil disabled after failed deliveries; `"secret": null` removes the secret.',
        params: IdParams,
        response: { 200: envelope(WebhookSchema) }
      }
    },
    async (request) => ok(webhooks.update(idOf(request), request.body, callerOf(request)), 'Webhook updated')
  )
  app.delete(
    '/webhooks/:id/',
    { config: route, schema: { tags, summary: 'Delete a webhook and its deliveries log', params: IdParams, response: { 200: envelope(Type.Null()) } } },
    async (request) => {
      webhooks.remove(idOf(request), callerOf(request))
      return ok(null, 'Webhook deleted')
    }
  )
  app.post(
    '/webhooks/:id/test/',
    {
      config: route,
      schema: {
        tags,
        summary: 'Send a webhook.test event',
        description: 'Queued (202) and delivered like any event, retries included, even to a disabled webhook; its attempts appear in the deliveries log.',
        params: IdParams,
        response: { 202: envelope(WebhookTestSchema) }
      }
    },
    async (request, reply) => reply.code(202).send(ok(webhooks.test(idOf(request)), 'Test delivery queued'))
  )
  app.get<{ Querystring: PageParams }>(
    '/webhooks/:id/deliveries/',
    {
      config: route,
      schema: {
        tags,
        summary: 'A webhook’s deliveries log',
        description: 'One entry per attempt, newest first; the newest 100 attempts are kept.',
        params: IdParams,
        querystring: PageQuery,
        response: { 200: envelope(Type.Array(WebhookDeliverySchema), true) }
      }
    },
    async (request) => {
      const { page, perPage } = pageOf(request.query)
      const { deliveries, total } = webhooks.deliveries(idOf(request), page, perPage)
      return okPage(deliveries, 'Deliveries retrieved', page, perPage, total)
    }
  )
}
