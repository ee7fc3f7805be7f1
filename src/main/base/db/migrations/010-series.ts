import type { Migration } from './index'

/**
 * The series store (base/series): every time series Vigil keeps, compressed.
 * - A group is the fields sampled together at the same times — one server's vmstat, one disk's
 *   iostat, one process — named by a metric and labels. Names, values and column lists are
 *   interned in series_strings; a group's labels are a blob of (name id, value id) pairs
 *   (group-catalog.ts), its columns the id of their JSON list. Processes come and go by the
 *   thousand a day: each costs tens of bytes of catalogue, not hundreds. The store keeps one
 *   group per metric and labels itself (it is the only writer), so no unique index repeats them.
 * - series_labels indexes the groups by label (and `__name__` = the metric), for matchers; the
 *   groups of a server are found by their `server_id` label when it goes.
 * - A group's row also keeps what the store needs of it at start-up without reading its chunks:
 *   next_seq, the sequence number its next sample gets, and last_ts, the end of its newest chunk
 *   (both updated with every chunk written).
 * - A chunk is a group's samples over a stretch of time, encoded (chunk-codec.ts); retention
 *   drops whole chunks. first_seq numbers its first row among all the group's samples ever
 *   appended: a sample's id. Chunk rows are appended in the order they are written (a rowid
 *   table, so a chunk of a few kB stays on its page and larger ones fill whole overflow pages).
 *   The one index leads with the hour in which the chunk ends (bucket = end_ts / 3,600,000):
 *   chunks written together land in the same few index pages instead of one page per group, so
 *   a write dirties few pages whatever the number of groups; a group's chunks over a range are
 *   found with one index seek per hour, retention is a range of buckets.
 * - series_log_done lists the head-log segments whose samples are all in chunks, written in the
 *   same transaction as those chunks, so a crash before the segment files are deleted does not
 *   replay them twice.
 */
export const m010Series: Migration = {
  version: 10,
  name: 'series',
  sql: `
    CREATE TABLE series_strings (
      id            INTEGER PRIMARY KEY,
      text          TEXT NOT NULL UNIQUE
    );

    CREATE TABLE series_groups (
      id            INTEGER PRIMARY KEY,
      metric        INTEGER NOT NULL,
      labels        BLOB NOT NULL,
      columns       INTEGER NOT NULL,
      next_seq      INTEGER NOT NULL DEFAULT 0,
      last_ts       INTEGER
    );

    CREATE TABLE series_labels (
      name          INTEGER NOT NULL,
      value         INTEGER NOT NULL,
      group_id      INTEGER NOT NULL,
      PRIMARY KEY (name, value, group_id)
    ) WITHOUT ROWID;

    CREATE TABLE series_chunks (
      id            INTEGER PRIMARY KEY,
      bucket        INTEGER NOT NULL,
      group_id      INTEGER NOT NULL,
      start_ts      INTEGER NOT NULL,
      end_ts        INTEGER NOT NULL,
      rows          INTEGER NOT NULL,
      first_seq     INTEGER NOT NULL,
      data          BLOB NOT NULL
    );
    CREATE INDEX series_chunks_bucket ON series_chunks(bucket, group_id, start_ts);

    CREATE TABLE series_log_done (
      segment       INTEGER PRIMARY KEY
    );
  `
}
