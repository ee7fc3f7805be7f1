import type { Migration } from './index'

/**
 * Webhooks (issue 18 item 6; src/main/webhooks): where Vigil posts its events.
 * - webhooks: the receiver's URL, the events subscribed to (JSON list, or ["*"]), the signing
 *   secret sealed with the data dir's secret box (never returned), who made it (NULL: the owner;
 *   only events of areas this user may read are delivered), and whether it is active — Vigil
 *   turns it off after consecutive failed deliveries, with the reason.
 * - webhook_deliveries: one row per attempt (a retried delivery has several, sharing
 *   `delivery_id`), the newest 100 of each webhook kept.
 */
export const m019Webhooks: Migration = {
  version: 19,
  name: 'webhooks',
  sql: `
    CREATE TABLE webhooks (
      id                   INTEGER PRIMARY KEY AUTOINCREMENT,
      name                 TEXT NOT NULL,
      url                  TEXT NOT NULL,
      events               TEXT NOT NULL,
      secret_sealed        TEXT,
      created_by           TEXT,
      created_at           INTEGER NOT NULL,
      updated_at           INTEGER NOT NULL,
      active               INTEGER NOT NULL DEFAULT 1,
      disabled_reason      TEXT,
      consecutive_failures INTEGER NOT NULL DEFAULT 0,
      last_delivery_at     INTEGER
    );

    CREATE TABLE webhook_deliveries (
      id               INTEGER PRIMARY KEY,
      webhook_id       INTEGER NOT NULL REFERENCES webhooks(id) ON DELETE CASCADE,
      delivery_id      TEXT NOT NULL,
      event            TEXT NOT NULL,
      attempt          INTEGER NOT NULL,
      success          INTEGER NOT NULL,
      status_code      INTEGER,
      error            TEXT,
      response_time_ms INTEGER NOT NULL,
      at               INTEGER NOT NULL
    );
    CREATE INDEX webhook_deliveries_by_webhook ON webhook_deliveries (webhook_id, id);
  `
}
