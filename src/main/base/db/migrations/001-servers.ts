import type { Migration } from './index'

export const m001Servers: Migration = {
  version: 1,
  name: 'servers',
  sql: `
    CREATE TABLE servers (
      id                     TEXT PRIMARY KEY,
      hostname               TEXT NOT NULL UNIQUE COLLATE NOCASE,
      ip_address             TEXT NOT NULL,
      alias                  TEXT,
      os_type                TEXT NOT NULL DEFAULT 'linux',
      os_version             TEXT,
      architecture           TEXT,
      ssh_port               INTEGER NOT NULL DEFAULT 22,
      ssh_username           TEXT NOT NULL,
      ssh_key_path           TEXT,
      ssh_password_enc       TEXT,
      ssh_key_passphrase_enc TEXT,
      status                 TEXT NOT NULL DEFAULT 'active',
      monitoring_enabled     INTEGER NOT NULL DEFAULT 1,
      monitoring_interval    INTEGER NOT NULL DEFAULT 60,
      description            TEXT,
      location               TEXT,
      environment            TEXT,
      created_at             INTEGER NOT NULL,
      updated_at             INTEGER NOT NULL,
      last_seen              INTEGER
    );
    CREATE INDEX servers_status ON servers(status);
    CREATE INDEX servers_environment ON servers(environment);
  `
}
