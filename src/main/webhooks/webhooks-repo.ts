import type { Db } from '../base/db/db'

export type WebhooksRepo = ReturnType<typeof createWebhooksRepo>

/** A webhooks row (migration 018). */
export interface WebhookRow {
  id: number
  name: string
  url: string
  /** JSON list of event names, or ["*"]. */
  events: string
  secret_sealed: string | null
  created_by: string | null
  created_at: number
  updated_at: number
  active: number
  disabled_reason: string | null
  consecutive_failures: number
  last_delivery_at: number | null
}

export interface DeliveryRow {
  id: number
  webhook_id: number
  delivery_id: string
  event: string
  attempt: number
  success: number
  status_code: number | null
  error: string | null
  response_time_ms: number
  at: number
}

/** How many attempts the log keeps per webhook: enough to see a failing streak, bounded whatever the traffic. */
export const DELIVERIES_KEPT = 100

/** Webhooks and their deliveries log. */
export function createWebhooksRepo(db: Db) {
  const trim = db.prepare(
    'DELETE FROM webhook_deliveries WHERE webhook_id = ? AND id <= (SELECT id FROM webhook_deliveries WHERE webhook_id = ? ORDER BY id DESC LIMIT 1 OFFSET ?)'
  )
  return {
    insert(row: Pick<WebhookRow, 'name' | 'url' | 'events' | 'secret_sealed' | 'created_by' | 'created_at'>): number {
      return Number(
        db
          .prepare(
            'INSERT INTO webhooks (name, url, events, secret_sealed, created_by, created_at, updated_at) VALUES (@name, @url, @events, @secret_sealed, @created_by, @created_at, @created_at)'
          )
          .run(row).lastInsertRowid
      )
    },
    get(id: number): WebhookRow | undefined {
      return db.prepare('SELECT * FROM webhooks WHERE id = ?').get(id) as WebhookRow | undefined
    },
    all(): WebhookRow[] {
      return db.prepare('SELECT * FROM webhooks ORDER BY id').all() as WebhookRow[]
    },
    page(limit: number, offset: number): { rows: WebhookRow[]; total: number } {
      const rows = db.prepare('SELECT * FROM webhooks ORDER BY id LIMIT ? OFFSET ?').all(limit, offset) as WebhookRow[]
      const { total } = db.prepare('SELECT COUNT(*) AS total FROM webhooks').get() as { total: number }
      return { rows, total }
    },
    /** Sets the given columns (the caller's own names, never the user's). */
    update(id: number, changes: Partial<Omit<WebhookRow, 'id' | 'created_at' | 'created_by'>>): void {
      const columns = Object.keys(changes)
      if (columns.length === 0) return
      db.prepare(`UPDATE webhooks SET ${columns.map((column) => `${column} = @${column}`).join(', ')} WHERE id = @id`).run({ ...changes, id })
    },
    remove(id: number): boolean {
      return db.prepare('DELETE FROM webhooks WHERE id = ?').run(id).changes > 0
    },
    /** One attempt, and the log trimmed to the newest DELIVERIES_KEPT of its webhook. */
    addDelivery(row: Omit<DeliveryRow, 'id'>): void {
      db.transaction(() => {
        db.prepare(
          `INSERT INTO webhook_deliveries (webhook_id, delivery_id, event, attempt, success, status_code, error, response_time_ms, at)
           VALUES (@webhook_id, @delivery_id, @event, @attempt, @success, @status_code, @error, @response_time_ms, @at)`
        ).run(row)
        trim.run(row.webhook_id, row.webhook_id, DELIVERIES_KEPT)
      })()
    },
    /** Newest first. */
    deliveries(webhookId: number, limit: number, offset = 0): { rows: DeliveryRow[]; total: number } {
      const rows = db.prepare('SELECT * FROM webhook_deliveries WHERE webhook_id = ? ORDER BY id DESC LIMIT ? OFFSET ?').all(webhookId, limit, offset) as DeliveryRow[]
      const { total } = db.prepare('SELECT COUNT(*) AS total FROM webhook_deliveries WHERE webhook_id = ?').get(webhookId) as { total: number }
      return { rows, total }
    }
  }
}
