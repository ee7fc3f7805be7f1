import type { Migration } from './index'

/**
 * webops-api.md's users, tokens and rate limits, on the users of 006 (one set of users for all of
 * Vigil):
 * - users gain a stable numeric `id` (the Users API's {id}; the existing users get their rowid),
 *   an email, `is_staff` (admin: every area, and the Users API) and their permission areas as a
 *   JSON list. Users made before this could log in to the PostgreSQL agent face only, so they
 *   keep exactly that: ["postgres"].
 * - api_tokens: `vgl_…` tokens, only their SHA-256 stored, with the areas each was given (a
 *   subset of its user's at the time), expiry and last use; they go with their user.
 * - rate_limits: fixed-window counters (per token, per client address), so a limit outlives a
 *   restart; a row whose window has ended is dead and purged.
 */
export const m014Teams: Migration = {
  version: 14,
  name: 'teams',
  sql: `
    ALTER TABLE users ADD COLUMN id INTEGER;
    ALTER TABLE users ADD COLUMN email TEXT NOT NULL DEFAULT '';
    ALTER TABLE users ADD COLUMN is_staff INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE users ADD COLUMN permissions TEXT NOT NULL DEFAULT '["postgres"]';
    UPDATE users SET id = rowid;
    CREATE UNIQUE INDEX users_id ON users(id);

    CREATE TABLE api_tokens (
      id           INTEGER PRIMARY KEY,
      token_hash   TEXT NOT NULL UNIQUE,
      username     TEXT NOT NULL REFERENCES users(username) ON DELETE CASCADE,
      name         TEXT NOT NULL,
      permissions  TEXT NOT NULL,
      created_at   INTEGER NOT NULL,
      expires_at   INTEGER NOT NULL,
      last_used_at INTEGER
    );
    CREATE INDEX api_tokens_username ON api_tokens(username);

    CREATE TABLE rate_limits (
      key      TEXT PRIMARY KEY,
      reset_at INTEGER NOT NULL,
      count    INTEGER NOT NULL
    ) WITHOUT ROWID;
  `
}
