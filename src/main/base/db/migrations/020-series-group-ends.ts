import type { Migration } from './index'

/**
 * Where the series store's groups end, without rewriting their rows at every write.
 * series_groups.next_seq and last_ts (010-series.ts) were updated for every group that got a
 * chunk, at every write (every 15 minutes): a row among hundreds of thousands of processes'
 * rows, so each write rewrote thousands of scattered pages of the catalogue, in the WAL and again
 * at the checkpoint — over a day at 1,000 servers more than the chunks themselves, and growing
 * with the table (bench/README.md, store-size.ts). Now a group's row is written when the group is
 * created and when its series ends (with where it ends: exact for every group that left memory)
 * or starts again; where a group whose series goes on ends is appended here instead:
 * - each row of series_group_ends is one write's changes, (group id, next_seq, last_ts) for the
 *   groups in memory whose chunks it wrote, packed into a blob (series/group-ends.ts); every few
 *   writes one row holds all of them and the older rows are deleted, so the table stays a few
 *   rows long and only its last pages are written;
 * - at start-up the store loads the live groups' rows, then applies these rows in order (a
 *   group's ends only grow): the same next_seq and last_ts as a row kept up to date.
 * A data dir from before this migration has every row up to date and an empty table: nothing to
 * convert. A group's row with ended = 1 is always exact.
 *
 * Later (no schema change): the rows themselves are written at every fourth write, not at each
 * (series-store.ts, CATALOGUE_EVERY_ROTATIONS) — a new group's row, already ended when its
 * process is gone by then, and a live row's change to ended. Until its row is written, a group's
 * chunks may be in SQLite with where they end in this table (ids with no row yet), and the head
 * log keeps the segment that holds its creation, so that a restart replays the group and applies
 * these ends to it. A live row whose change to ended was not written before a crash loads as
 * live, exact with these ends, and is found ended and written so again later. A row that says
 * ended is still rewritten at once when its group goes on, so ended = 1 stays exact.
 */
export const m020SeriesGroupEnds: Migration = {
  version: 20,
  name: 'series-group-ends',
  sql: `
    CREATE TABLE series_group_ends (
      id            INTEGER PRIMARY KEY,
      data          BLOB NOT NULL
    );
  `
}
