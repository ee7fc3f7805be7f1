import type { Migration } from './index'

/**
 * How far remote write has looked through the series store, so that what it must still send is
 * found without holding a cursor for every group ever sent.
 * - `remote_write.sent_before_ms`: every sample older than this has been sent (or refused for
 *   good); null until a first catch-up, meaning since_ms. At start-up the groups out of memory
 *   with chunks since then are looked at once (a process that started and ended while the
 *   receiver was down, before a restart); nothing older needs looking at.
 * Cursors of groups the store deletes (retention, a server removed) are deleted with them from
 * now on. Those of groups deleted before are left: a group's row is written up to an hour after
 * its cursor, so a cursor without a row is not proof that its group is gone.
 */
export const m021RemoteWriteSentBefore: Migration = {
  version: 21,
  name: 'remote-write-sent-before',
  sql: `
    ALTER TABLE remote_write ADD COLUMN sent_before_ms INTEGER;
  `
}
