import type { Migration } from './index'

/**
 * The series store (base/series): every time series Vigil keeps, compressed.
 * - A group is the fields sampled together at the same times — one server's vmstat, one disk's
 *   iostat, one process — named by a metric and labels. Names, values and column lists are
 *   interned in series_strings; a group's labels are a blob of (name id, value id) pairs
 *   (group-catalog.ts), its columns the id of their JSON list. Processes come and go by the
 *   thousand a day: each costs tens of bytes of catalogue, not hundreds. The store keeps one
 *   group per metric and labels itself (it is the only writer), so no unique index repeats them.
 * - A group's row also keeps what the store needs of it at start-up without reading its chunks:
 *   next_seq, the sequence number its next sample gets, and last_ts, the end of its newest chunk
 *   (at first updated with every chunk written; since 020-series-group-ends.ts exact only in the
 *   row of a group that ended, and rows are written in batches: see that migration).
 * - No label index in SQLite: the store holds every group in memory (it loads them at start-up)
 *   and matches labels there. An index keyed by label takes each new process's rows at random
 *   places (its pid, its command, its server's run of groups), dirtying pages all over it at
 *   every write: over a day that was most of what the store wrote. For the same reason
 *   series_strings has no UNIQUE index on its text: the store interns strings in memory and is
 *   the only writer. Both tables are appended to.
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
      text          TEXT NOT NULL
    );

    CREATE TABLE series_groups (
      id            INTEGER PRIMARY KEY,
      metric        INTEGER NOT NULL,
      labels        BLOB NOT NULL,
      columns       INTEGER NOT NULL,
      next_seq      INTEGER NOT NULL DEFAULT 0,
      last_ts       INTEGER
    );

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
