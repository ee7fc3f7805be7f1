import type { Migration } from './index'

/**
 * Vigil's users (for the PostgreSQL agent API's /login), their agent sessions (hashes only),
 * and the audit trail of actions taken on instances (the agent's /notifications).
 */
export const m006UsersAudit: Migration = {
  version: 6,
  name: 'users-audit',
  sql: `
    CREATE TABLE users (
      username      TEXT PRIMARY KEY,
      password_hash TEXT NOT NULL,
      created_at    INTEGER NOT NULL,
      updated_at    INTEGER NOT NULL
    );
    CREATE TABLE agent_sessions (
      id_hash    TEXT PRIMARY KEY,
      username   TEXT NOT NULL REFERENCES users(username) ON DELETE CASCADE,
      created_at INTEGER NOT NULL,
      expires_at INTEGER NOT NULL
    );
    CREATE TABLE audit_log (
      id          INTEGER PRIMARY KEY,
      ts          INTEGER NOT NULL,
      username    TEXT NOT NULL,
      instance_id INTEGER,
      message     TEXT NOT NULL
    );
    CREATE INDEX audit_log_instance_ts ON audit_log(instance_id, ts);
  `
}
