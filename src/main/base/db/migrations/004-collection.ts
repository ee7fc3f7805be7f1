import type { Migration } from './index'

/**
 * Collection: how each server is reached (SSH, or local exec for the host Vigil runs on),
 * its collector's last state, and the SSH host keys pinned on first use.
 */
export const m004Collection: Migration = {
  version: 4,
  name: 'collection',
  sql: `
    ALTER TABLE servers ADD COLUMN collector TEXT NOT NULL DEFAULT 'ssh';
    ALTER TABLE servers ADD COLUMN collection_state TEXT NOT NULL DEFAULT 'idle';
    ALTER TABLE servers ADD COLUMN collection_error TEXT;
    ALTER TABLE servers ADD COLUMN collection_state_since INTEGER;

    CREATE TABLE host_keys (
      server_id             TEXT PRIMARY KEY REFERENCES servers(id) ON DELETE CASCADE,
      algorithm             TEXT NOT NULL,
      fingerprint           TEXT NOT NULL,
      pinned_at             INTEGER NOT NULL,
      -- The key a server presented that did not match, kept so the user can accept it.
      presented_algorithm   TEXT,
      presented_fingerprint TEXT
    );

    -- Small facts about this data dir (e.g. that the built-in localhost server was created once).
    CREATE TABLE settings (
      key   TEXT PRIMARY KEY,
      value TEXT NOT NULL
    );
  `
}
