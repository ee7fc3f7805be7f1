import type { Migration } from './index'

/**
 * How far remote write has looked through the series store, so that what it must still send is
 * found without holding a cursor for every group ever sent.
 * - `remote_write.sent_before_ms`: every sample older than this has been sent (or refused for
 *   good); null means since_ms. At start-up the groups out of memory with chunks since then are
 *   looked at (a process that started and ended while the receiver was down, before a restart);
 *   nothing older needs looking at. A receiver set before this migration starts an hour before
 *   the newest sample sent: before, such groups were not looked for at all, and looking through
 *   every group since since_ms (weeks of a fleet's processes) would hold up the first start.
 * Cursors of groups the store deletes (retention, a server removed) are deleted with them from
 * now on. Those of groups deleted before are left: a group's row is written up to an hour after
 * its cursor, so a cursor without a row is not proof that its group is gone.
 */
export const m021RemoteWriteSentBefore: Migration = {
  version: 21,
  name: 'remote-write-sent-before',
  sql: `
    ALTER TABLE remote_write ADD COLUMN sent_before_ms INTEGER;
    UPDATE remote_write SET sent_before_ms = (SELECT max(last_ts) - 3600000 FROM remote_write_cursors);
  `
}
