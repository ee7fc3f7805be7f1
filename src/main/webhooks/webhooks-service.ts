import { randomUUID } from 'node:crypto'
import { AppError } from '../../shared/errors'
import type { PermissionArea } from '../../shared/teams'
import {
  ALL_EVENTS,
  CreateWebhookSchema,
  TEST_EVENT,
  UpdateWebhookSchema,
  type CreateWebhook,
  type UpdateWebhook,
  type WebhookDelivery,
  type WebhookDetail,
  type WebhookDto,
  type WebhookTest
} from '../../shared/webhooks'
import type { AuditTrail } from '../audit'
import type { EventBus } from '../base/bus'
import type { SecretBox } from '../base/security/secrets'
import { validated } from '../base/validated'
import { allows, type Principal } from '../users'
import type { VigilEvent } from './webhook-events'
import { WebhookSender, type AttemptOutcome, type QueuedDelivery, type SenderOptions } from './webhook-sender'
import type { DeliveryRow, WebhookRow, WebhooksRepo } from './webhooks-repo'

/** Who acts: `username` is stored as the creator (null: the owner); `name` is what the audit trail says. */
/** Who acts: their username (null for the owner), and the name the audit trail records. */
export type Actor = Pick<Principal, 'username' | 'actor'>

export interface WebhooksServiceDeps {
  repo: WebhooksRepo
  secrets: SecretBox
  audit: AuditTrail
  bus: EventBus
  /** What a user may do now; null when there is no such user (any more). */
  /** A webhook's creator as a caller now; null once they are gone. */
  principalOf: (username: string) => Principal | null
  sender: SenderOptions
  /** Failed deliveries in a row after which Vigil disables a webhook. */
  disableAfter: number
  now: () => number
}

/** How many attempts GET /webhooks/{id}/ shows. */
const RECENT_DELIVERIES = 10

/** Webhooks: their registry, which of Vigil's events each is sent, and their deliveries. */
export class WebhooksService {
  private readonly sender: WebhookSender
  /** The last failed attempt's error per webhook: the reason given when it is disabled. */
  private readonly lastError = new Map<number, string>()

  constructor(private readonly deps: WebhooksServiceDeps) {
    this.sender = new WebhookSender(deps.sender, {
      target: (delivery) => this.targetOf(delivery),
      attempted: (delivery, outcome) => this.attempted(delivery, outcome),
      finished: (delivery, success) => this.finished(delivery.webhookId, success)
    })
  }

  page(page: number, perPage: number): { webhooks: WebhookDto[]; total: number } {
    const { rows, total } = this.deps.repo.page(perPage, (page - 1) * perPage)
    return { webhooks: rows.map((row) => this.dto(row)), total }
  }

  list(): WebhookDto[] {
    return this.deps.repo.all().map((row) => this.dto(row))
  }

  get(id: number): WebhookDetail {
    return { ...this.dto(this.row(id)), recent_deliveries: this.deps.repo.deliveries(id, RECENT_DELIVERIES).rows.map(deliveryDto) }
  }

  create(input: unknown, actor: Actor): WebhookDto {
    const { url: given, events, secret, name } = validated<CreateWebhook>(CreateWebhookSchema, input)
    const url = checkedUrl(given)
    const at = this.deps.now()
    const id = this.deps.repo.insert({
      name: name ?? new URL(url).host,
      url,
      events: JSON.stringify(normaliseEvents(events)),
      secret_sealed: secret === undefined ? null : this.deps.secrets.seal(secret),
      created_by: actor.username,
      created_at: at
    })
    const row = this.row(id)
    this.deps.audit.record(actor.actor, null, `Created webhook ${id} '${row.name}' to ${originOf(url)} for ${describeEvents(row)}`)
    this.changed(id)
    return this.dto(row)
  }

  update(id: number, input: unknown, actor: Actor): WebhookDto {
    const before = this.row(id)
    const change = validated<UpdateWebhook>(UpdateWebhookSchema, input)
    const columns: Parameters<WebhooksRepo['update']>[1] = {}
    if (change.url !== undefined) columns.url = checkedUrl(change.url)
    if (change.events !== undefined) columns.events = JSON.stringify(normaliseEvents(change.events))
    if (change.name !== undefined) columns.name = change.name
    if (change.secret !== undefined) columns.secret_sealed = change.secret === null ? null : this.deps.secrets.seal(change.secret)
    if (change.active === true && before.active === 0) Object.assign(columns, { active: 1, disabled_reason: null, consecutive_failures: 0 })
    if (change.active === false && before.active === 1) Object.assign(columns, { active: 0, disabled_reason: null })
    if (Object.keys(columns).length > 0) {
      this.deps.repo.update(id, { ...columns, updated_at: this.deps.now() })
      if (columns.active === 0) this.sender.discard(id)
      const fields = Object.keys(change).filter((field) => field !== 'active' || columns.active !== undefined)
      this.deps.audit.record(actor.actor, null, `Updated webhook ${id} '${before.name}': ${fields.join(', ')}`)
      this.changed(id)
    }
    return this.dto(this.row(id))
  }

  remove(id: number, actor: Actor): void {
    const row = this.row(id)
    this.deps.repo.remove(id)
    this.sender.discard(id)
    this.lastError.delete(id)
    this.deps.audit.record(actor.actor, null, `Deleted webhook ${id} '${row.name}' to ${originOf(row.url)}`)
    this.changed(id)
  }

  /** Queues a webhook.test delivery, through the same queue and retries as every event. */
  test(id: number): WebhookTest {
    const row = this.row(id)
    const payload = this.payload(TEST_EVENT, { webhook_id: id, name: row.name, message: 'A test delivery from Vigil' })
    if (!this.sender.enqueue({ webhookId: id, payload, area: null })) throw new AppError('unavailable', `Webhook ${id}'s queue is full; try again once its deliveries are done.`)
    return { delivery_id: payload.id, event: TEST_EVENT }
  }

  deliveries(id: number, page: number, perPage: number): { deliveries: WebhookDelivery[]; total: number } {
    this.row(id)
    const { rows, total } = this.deps.repo.deliveries(id, perPage, (page - 1) * perPage)
    return { deliveries: rows.map(deliveryDto), total }
  }

  /** An event from the bus: queued for every active webhook subscribed to it whose creator may read its area. Never waits. */
  dispatch(event: VigilEvent): void {
    for (const row of this.deps.repo.all()) {
      if (row.active !== 1 || !subscribes(row, event.event) || !this.mayRead(row.created_by, event.area)) continue
      // One payload (one id) per webhook: X-Vigil-Delivery tells deliveries apart.
      const payload = this.payload(event.event, event.data)
      if (!this.sender.enqueue({ webhookId: row.id, payload, area: event.area })) this.changed(row.id)
    }
  }

  /** Settles once every queued delivery is done (tests, benchmark). */
  idle(): Promise<void> {
    return this.sender.idle()
  }

  close(): Promise<void> {
    return this.sender.close()
  }

  private payload(event: string, data: Record<string, unknown>): QueuedDelivery['payload'] {
    return { id: randomUUID(), event, created_at: new Date(this.deps.now()).toISOString(), data }
  }

  /** The owner reads everything; a user what they hold now (a user gone reads nothing). */
  private mayRead(username: string | null, area: PermissionArea | null): boolean {
    if (username === null || area === null) return true
    const creator = this.deps.principalOf(username)
    return creator !== null && allows(creator, area, 'read')
  }

  /** Checked again before every attempt: deleted, disabled (a test goes anyway) or no longer readable, it is not sent. */
  private targetOf(delivery: QueuedDelivery): { url: string; secret: string | null } | null {
    const row = this.deps.repo.get(delivery.webhookId)
    if (!row) return null
    if (delivery.payload.event !== TEST_EVENT && (row.active !== 1 || !this.mayRead(row.created_by, delivery.area))) return null
    return { url: row.url, secret: row.secret_sealed === null ? null : this.deps.secrets.open(row.secret_sealed) }
  }

  private attempted(delivery: QueuedDelivery, outcome: AttemptOutcome): void {
    const { webhookId, payload } = delivery
    if (!this.deps.repo.get(webhookId)) return
    this.deps.repo.addDelivery({
      webhook_id: webhookId,
      delivery_id: payload.id,
      event: payload.event,
      attempt: outcome.attempt,
      success: outcome.success ? 1 : 0,
      status_code: outcome.statusCode,
      error: outcome.error,
      response_time_ms: outcome.responseTimeMs,
      at: outcome.at
    })
    this.deps.repo.update(webhookId, { last_delivery_at: outcome.at })
    if (outcome.error !== null) this.lastError.set(webhookId, outcome.error)
    this.changed(webhookId)
  }

  /** A delivery settled: a success ends a failing streak; `disableAfter` failures in a row disable the webhook. */
  private finished(webhookId: number, success: boolean): void {
    const row = this.deps.repo.get(webhookId)
    if (!row) return
    if (success) {
      if (row.consecutive_failures !== 0) this.deps.repo.update(webhookId, { consecutive_failures: 0 })
      return
    }
    const failures = row.consecutive_failures + 1
    if (row.active === 1 && failures >= this.deps.disableAfter) {
      const reason = `Disabled after ${failures} failed deliveries in a row (each tried ${this.deps.sender.maxAttempts} times); last error: ${this.lastError.get(webhookId) ?? 'unknown'}`
      this.deps.repo.update(webhookId, { consecutive_failures: failures, active: 0, disabled_reason: reason, updated_at: this.deps.now() })
      this.sender.discard(webhookId)
      this.deps.audit.record('vigil', null, `Webhook ${webhookId} '${row.name}': ${reason}`)
    } else this.deps.repo.update(webhookId, { consecutive_failures: failures })
    this.changed(webhookId)
  }

  private changed(id: number): void {
    this.deps.bus.publish('webhooks.changed', { id })
  }

  private row(id: number): WebhookRow {
    const row = Number.isSafeInteger(id) ? this.deps.repo.get(id) : undefined
    if (!row) throw new AppError('not_found', `Webhook ${id} not found`)
    return row
  }

  private dto(row: WebhookRow): WebhookDto {
    const { queued, dropped } = this.sender.status(row.id)
    return {
      id: row.id,
      name: row.name,
      url: row.url,
      events: JSON.parse(row.events) as string[],
      has_secret: row.secret_sealed !== null,
      active: row.active === 1,
      disabled_reason: row.disabled_reason,
      consecutive_failures: row.consecutive_failures,
      created_by: row.created_by,
      created_at: new Date(row.created_at).toISOString(),
      updated_at: new Date(row.updated_at).toISOString(),
      last_delivery_at: row.last_delivery_at === null ? null : new Date(row.last_delivery_at).toISOString(),
      queued,
      dropped
    }
  }
}

/** The schema's pattern lets through what URL cannot parse (`http://[x`): that is a field issue too. */
function checkedUrl(url: string): string {
  try {
    const parsed = new URL(url)
    if (parsed.protocol === 'http:' || parsed.protocol === 'https:') return url
  } catch {
    // reported below
  }
  throw AppError.invalidField('url', 'must be an http:// or https:// URL')
}

/** Sorted without duplicates; `*` alone when it is there (it covers the rest). */
function normaliseEvents(events: readonly string[]): string[] {
  return events.includes(ALL_EVENTS) ? [ALL_EVENTS] : [...new Set(events)].sort()
}

function subscribes(row: WebhookRow, event: string): boolean {
  const events = JSON.parse(row.events) as string[]
  return events.includes(ALL_EVENTS) || events.includes(event)
}

function describeEvents(row: WebhookRow): string {
  return (JSON.parse(row.events) as string[]).join(', ')
}

/** The trail names the receiver by its origin: a URL's path often holds a token of its own (Slack's, Discord's). */
function originOf(url: string): string {
  try {
    return new URL(url).origin
  } catch {
    return 'an invalid URL'
  }
}

function deliveryDto(row: DeliveryRow): WebhookDelivery {
  return {
    id: row.id,
    delivery_id: row.delivery_id,
    event: row.event,
    attempt: row.attempt,
    success: row.success === 1,
    status_code: row.status_code,
    error: row.error,
    response_time_ms: row.response_time_ms,
    at: new Date(row.at).toISOString()
  }
}
