import type { Migration } from './index'

/**
 * Groups whose series ended leave the series store's memory (a fleet starts ~150,000 processes
 * an hour at 1,000 servers; keeping every one ever seen grew the process by hundreds of MB a
 * day). They stay findable by time:
 * - series_group_buckets lists, for each hour (the bucket of series_chunks: the hour in which a
 *   chunk ends), the groups with a chunk ending in it, by partition — the interned value of the
 *   label most reads select on (a server's id; 0 when a group has none). It leads with the
 *   bucket, like the chunk index, so a write adds to the current hour's few pages; a read of one
 *   server over a day seeks once per hour. The store fills it for existing chunks when it
 *   first opens a data dir that has none (their partitions are in the labels blob, which SQL
 *   cannot read).
 * - series_groups.ended marks a group that ended and left memory; the partial index lists the
 *   others, which the store loads at start-up. New groups are appended to it, and a group that
 *   ends is taken out near its end (processes are short-lived), so it stays small and cheap;
 *   since rows are written in batches (020-series-group-ends.ts), most short-lived processes'
 *   rows are inserted already ended and never enter it.
 */
export const m011SeriesColdGroups: Migration = {
  version: 11,
  name: 'series-cold-groups',
  sql: `
    CREATE TABLE series_group_buckets (
      bucket        INTEGER NOT NULL,
      partition     INTEGER NOT NULL,
      group_id      INTEGER NOT NULL,
      PRIMARY KEY (bucket, partition, group_id)
    ) WITHOUT ROWID;

    ALTER TABLE series_groups ADD COLUMN ended INTEGER NOT NULL DEFAULT 0;
    CREATE INDEX series_groups_live ON series_groups(id) WHERE ended = 0;
  `
}
