// Webhooks (webops-api.md, /api/v1/webhooks/): Vigil's events posted to HTTP receivers, signed,
// retried, and never to anyone whose creator may not read the event's area. Public surface of the feature.
import type { Principal } from '../users'
import type { AuditTrail } from '../audit'
import type { EventBus } from '../base/bus'
import type { Db } from '../base/db/db'
import type { SecretBox } from '../base/security/secrets'
import { subscribeWebhookEvents } from './webhook-events'
import { DEFAULT_SENDER_OPTIONS, type SenderOptions } from './webhook-sender'
import { createWebhooksRepo } from './webhooks-repo'
import { WebhooksService } from './webhooks-service'

export { WebhooksService, type Actor } from './webhooks-service'
export { signature } from './webhook-sender'
export { DELIVERIES_KEPT } from './webhooks-repo'

/** Failed deliveries in a row (each with every retry spent) after which a webhook is disabled. */
export const DISABLE_AFTER_FAILURES = 10

export interface WebhooksOptions {
  /** Retries' waits, timeouts and queue sizes; tests shorten the waits. */
  sender?: Partial<Omit<SenderOptions, 'userAgent' | 'now'>>
  disableAfter?: number
}

export interface WebhooksDeps {
  db: Db
  bus: EventBus
  secrets: SecretBox
  audit: AuditTrail
  /** A webhook's creator as a caller now; null once they are gone. */
  principalOf: (username: string) => Principal | null
  /** A server's hostname by id, for server.down/up. */
  hostname: (serverId: string) => string | null
  version: string
  options?: WebhooksOptions
  now?: () => number
}

export interface WebhooksFeature {
  service: WebhooksService
  /** Stops listening to the bus and ends deliveries in flight. */
  close(): Promise<void>
}

export function createWebhooksFeature({ db, bus, secrets, audit, principalOf, hostname, version, options = {}, now = Date.now }: WebhooksDeps): WebhooksFeature {
  const service = new WebhooksService({
    repo: createWebhooksRepo(db),
    secrets,
    audit,
    bus,
    principalOf,
    sender: { ...DEFAULT_SENDER_OPTIONS, ...options.sender, userAgent: `Vigil-Webhooks/${version}`, now },
    disableAfter: options.disableAfter ?? DISABLE_AFTER_FAILURES,
    now
  })
  const detach = subscribeWebhookEvents(bus, hostname, (event) => service.dispatch(event))
  return {
    service,
    async close() {
      detach()
      await service.close()
    }
  }
}
