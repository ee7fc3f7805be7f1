import Type, { type Static } from 'typebox'
import type { PermissionArea } from './teams'

// webops-api.md's webhooks (/api/v1/webhooks/): what a webhook subscribes to and how it is
// written. One schema set serves the API's validation (VALIDATION_ERROR naming each field), the
// Settings page's checks before sending, response filtering (the secret has no field to leak
// through) and OpenAPI.

/**
 * Every event Vigil delivers, with the permission area a webhook's creator must be able to read
 * (at delivery time) for it to be delivered. `collection.failed` is refined per collector: a
 * PostgreSQL collector's failure needs `postgres`, a table's `oracle`, a scrape target's
 * `prometheus` (webhook-events.ts); `metrics` is a server's.
 */
export const WEBHOOK_EVENT_AREAS = {
  'server.down': 'servers',
  'server.up': 'servers',
  'collection.failed': 'metrics',
  'table.changed': 'oracle',
  'maintenance.finished': 'postgres',
  'maintenance.failed': 'postgres',
  'scrape.target_down': 'prometheus'
} as const satisfies Record<string, PermissionArea>

export type WebhookEventName = keyof typeof WEBHOOK_EVENT_AREAS
export const WEBHOOK_EVENTS = Object.keys(WEBHOOK_EVENT_AREAS) as WebhookEventName[]
/** Sent by POST /webhooks/{id}/test/ only; it carries no data of any area. */
export const TEST_EVENT = 'webhook.test'
/** Subscribes to every event, those added later included. */
export const ALL_EVENTS = '*'

const EVENT_PATTERN = `^(${[...WEBHOOK_EVENTS, ALL_EVENTS].map((name) => name.replace(/[.*]/g, '\\$&')).join('|')})$`
const EventName = Type.String({
  pattern: EVENT_PATTERN,
  errorMessage: `must be one of the known events: ${[...WEBHOOK_EVENTS, ALL_EVENTS].join(', ')} (Vigil has no deployments, so no deployment.* events)`
})
const Events = Type.Array(EventName, { minItems: 1, maxItems: WEBHOOK_EVENTS.length + 1 })
/** http(s) only: a webhook posts JSON over HTTP, and nothing else (file:, ftp:) is a place to post to. */
const Url = Type.String({ maxLength: 2048, pattern: '^[Hh][Tt][Tt][Pp][Ss]?://[^\\s/?#@]+([/?#]\\S*)?$', errorMessage: 'must be an http:// or https:// URL' })
const Secret = Type.String({ minLength: 1, maxLength: 256, errorMessage: 'must be 1 to 256 characters' })
const Name = Type.String({ minLength: 1, maxLength: 100, errorMessage: 'must be 1 to 100 characters' })

export const CreateWebhookSchema = Type.Object(
  { url: Url, events: Events, secret: Type.Optional(Secret), name: Type.Optional(Name) },
  { additionalProperties: false }
)
export type CreateWebhook = Static<typeof CreateWebhookSchema>

/** Any of the fields; `active: true` re-enables a webhook disabled after failing; `secret: null` removes the secret. */
export const UpdateWebhookSchema = Type.Object(
  {
    url: Type.Optional(Url),
    events: Type.Optional(Events),
    secret: Type.Optional(Type.Union([Secret, Type.Null()])),
    name: Type.Optional(Name),
    active: Type.Optional(Type.Boolean())
  },
  { additionalProperties: false }
)
export type UpdateWebhook = Static<typeof UpdateWebhookSchema>

const Time = Type.String({ format: 'date-time' })
const NullableTime = Type.Union([Time, Type.Null()])

export const WebhookDeliverySchema = Type.Object({
  id: Type.Integer({ description: 'The attempt’s row' }),
  delivery_id: Type.String({ description: 'X-Vigil-Delivery: the same on every attempt of one delivery' }),
  event: Type.String(),
  attempt: Type.Integer({ description: '1 for the first try, then each retry' }),
  success: Type.Boolean({ description: 'A 2xx answer' }),
  status_code: Type.Union([Type.Integer(), Type.Null()], { description: 'The receiver’s HTTP status; null when no answer came' }),
  error: Type.Union([Type.String(), Type.Null()], { description: 'Why the attempt failed (timeout, refused connection, HTTP 500)' }),
  response_time_ms: Type.Integer(),
  at: Time
})
export type WebhookDelivery = Static<typeof WebhookDeliverySchema>

export const WebhookSchema = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  url: Type.String(),
  events: Type.Array(Type.String()),
  has_secret: Type.Boolean({ description: 'The secret itself is never returned' }),
  active: Type.Boolean(),
  disabled_reason: Type.Union([Type.String(), Type.Null()], { description: 'Why Vigil disabled it (consecutive failed deliveries)' }),
  consecutive_failures: Type.Integer({ description: 'Failed deliveries (every attempt failed) since the last success' }),
  created_by: Type.Union([Type.String(), Type.Null()], { description: 'The user who made it; null for the owner. It is sent only events of areas this user may read' }),
  created_at: Time,
  updated_at: Time,
  last_delivery_at: NullableTime,
  queued: Type.Integer({ description: 'Deliveries waiting or being retried (held in memory)' }),
  dropped: Type.Integer({ description: 'Deliveries dropped because the queue was full, since Vigil started' })
})
export type WebhookDto = Static<typeof WebhookSchema>

export const WebhookDetailSchema = Type.Object({ ...WebhookSchema.properties, recent_deliveries: Type.Array(WebhookDeliverySchema, { description: 'The newest attempts first' }) })
export type WebhookDetail = Static<typeof WebhookDetailSchema>

/** What POST /webhooks/{id}/test/ answers: the delivery queued (its outcome lands in the deliveries log). */
export const WebhookTestSchema = Type.Object({ delivery_id: Type.String(), event: Type.String() })
export type WebhookTest = Static<typeof WebhookTestSchema>

/** The body of every delivery. */
export interface WebhookPayload {
  id: string
  event: string
  created_at: string
  data: Record<string, unknown>
}
