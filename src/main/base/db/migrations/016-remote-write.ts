import type { Migration } from './index'

/**
 * Remote write (src/main/prometheus/remote-write): the one receiver Vigil pushes its series to,
 * and how far each store group has been sent; and a bearer token for scraping a workspace's
 * targets (an exporter behind authentication, Vigil's own /metrics).
 * - `scrape_jobs.bearer_sealed`: sealed like every secret; sent as `Authorization: Bearer`.
 * - `remote_write` holds at most one row: the receiver's URL, its bearer token sealed with the
 *   data dir's secret box, whether sending is on, and `since_ms` — samples older than this were
 *   there before the receiver was set and are not sent.
 * - `remote_write_cursors`: per series-store group, the sequence number of the next sample to
 *   send and the time of the newest sample sent (a receiver takes each series in time order).
 *   Written in the same step as a receiver's 2xx, so a restart resumes where sending stopped.
 */
export const m016RemoteWrite: Migration = {
  version: 16,
  name: 'remote-write',
  sql: `
    CREATE TABLE remote_write (
      id            INTEGER PRIMARY KEY CHECK (id = 1),
      url           TEXT NOT NULL,
      bearer_sealed TEXT,
      enabled       INTEGER NOT NULL DEFAULT 1,
      since_ms      INTEGER NOT NULL,
      updated_at    INTEGER NOT NULL
    );

    CREATE TABLE remote_write_cursors (
      group_id  INTEGER PRIMARY KEY,
      next_seq  INTEGER NOT NULL,
      last_ts   INTEGER NOT NULL
    ) WITHOUT ROWID;

    ALTER TABLE scrape_jobs ADD COLUMN bearer_sealed TEXT;
  `
}
