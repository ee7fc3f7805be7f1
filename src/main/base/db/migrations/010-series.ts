import type { Migration } from './index'

/**
 * Not in MIGRATIONS yet: it is listed when the metrics move into the series store (issue 13),
 * so no data dir gets a schema that may still change. Tests open it explicitly.
 *
 * The series store (base/series): every time series Vigil keeps, compressed.
 * - A group is the fields sampled together at the same times — one server's vmstat, one disk's
 *   iostat, one process — named by a metric and labels; `columns` names its fields in chunk
 *   order. A group that belongs to a server goes with it.
 * - series_labels indexes the groups by label (and `__name__` = the metric), for matchers.
 * - A chunk is a group's samples over a stretch of time, encoded (chunk-codec.ts); retention
 *   drops whole chunks.
 * - series_log_done lists the head-log segments whose samples are all in chunks, written in the
 *   same transaction as those chunks, so a crash before the segment files are deleted does not
 *   replay them twice.
 */
export const m010Series: Migration = {
  version: 10,
  name: 'series',
  sql: `
    CREATE TABLE series_groups (
      id            INTEGER PRIMARY KEY,
      metric        TEXT NOT NULL,
      labels        TEXT NOT NULL,
      columns       TEXT NOT NULL,
      server_id     TEXT REFERENCES servers(id) ON DELETE CASCADE,
      UNIQUE (metric, labels)
    );
    CREATE INDEX series_groups_server ON series_groups(server_id) WHERE server_id IS NOT NULL;

    CREATE TABLE series_labels (
      name          TEXT NOT NULL,
      value         TEXT NOT NULL,
      group_id      INTEGER NOT NULL,
      PRIMARY KEY (name, value, group_id)
    ) WITHOUT ROWID;

    -- Labels go with their group, found through the key rather than a second index.
    CREATE TRIGGER series_groups_labels AFTER DELETE ON series_groups BEGIN
      DELETE FROM series_labels WHERE name = '__name__' AND value = OLD.metric AND group_id = OLD.id;
      DELETE FROM series_labels
       WHERE (name, value, group_id) IN (SELECT key, value, OLD.id FROM json_each(OLD.labels));
    END;

    CREATE TABLE series_chunks (
      group_id      INTEGER NOT NULL REFERENCES series_groups(id) ON DELETE CASCADE,
      start_ts      INTEGER NOT NULL,
      end_ts        INTEGER NOT NULL,
      rows          INTEGER NOT NULL,
      data          BLOB NOT NULL,
      PRIMARY KEY (group_id, start_ts, end_ts)
    ) WITHOUT ROWID;
    CREATE INDEX series_chunks_end ON series_chunks(end_ts);

    CREATE TABLE series_log_done (
      segment       INTEGER PRIMARY KEY
    );
  `
}
