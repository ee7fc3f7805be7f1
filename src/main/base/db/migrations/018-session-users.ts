import type { Migration } from './index'

/**
 * Browser sessions of named users: a session opened by a username and password belongs to that
 * user (their permissions, their name in the audit trail) and ends with them — deleted with the
 * user (ON DELETE CASCADE), or when their password changes. Sessions opened before, and by the
 * one-time login link or the pasted API token, have no user: they are the owner's.
 */
export const m018SessionUsers: Migration = {
  version: 18,
  name: 'session-users',
  sql: `
    ALTER TABLE browser_sessions ADD COLUMN username TEXT REFERENCES users(username) ON DELETE CASCADE;
    CREATE INDEX browser_sessions_username ON browser_sessions(username);
  `
}
