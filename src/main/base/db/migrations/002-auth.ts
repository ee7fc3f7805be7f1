import type { Migration } from './index'

/** Browser sessions and one-time login codes; only hashes are stored. */
export const m002Auth: Migration = {
  version: 2,
  name: 'auth',
  sql: `
    CREATE TABLE browser_sessions (
      id_hash    TEXT PRIMARY KEY,
      created_at INTEGER NOT NULL,
      expires_at INTEGER NOT NULL
    );
    CREATE TABLE login_codes (
      code_hash  TEXT PRIMARY KEY,
      expires_at INTEGER NOT NULL
    );
  `
}
