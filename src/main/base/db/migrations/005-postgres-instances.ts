import type { Migration } from './index'

/**
 * The PostgreSQL instances registry. Ids are integers, as the Oracle databases API numbers its
 * databases; AUTOINCREMENT keeps a deleted instance's id from being handed to a new one, so a
 * script or URL naming /pg/3 never silently reaches another instance. The password is sealed
 * (SecretBox). A linked server may go away without taking the instance with it.
 */
export const m005PostgresInstances: Migration = {
  version: 5,
  name: 'postgres-instances',
  sql: `
    CREATE TABLE postgres_instances (
      id                 INTEGER PRIMARY KEY AUTOINCREMENT,
      name               TEXT NOT NULL UNIQUE COLLATE NOCASE,
      host               TEXT NOT NULL,
      port               INTEGER NOT NULL DEFAULT 5432,
      username           TEXT NOT NULL,
      password_enc       TEXT,
      maintenance_db     TEXT NOT NULL DEFAULT 'postgres',
      server_id          TEXT REFERENCES servers(id) ON DELETE SET NULL,
      description        TEXT,
      is_active          INTEGER NOT NULL DEFAULT 1,
      created_at         INTEGER NOT NULL,
      updated_at         INTEGER NOT NULL,
      -- What the last connection test learned.
      last_check_at      INTEGER,
      last_status        TEXT CHECK (last_status IN ('ok', 'error')),
      last_error         TEXT,
      server_version     TEXT,
      server_version_num INTEGER,
      in_recovery        INTEGER
    );
    -- Deleting a server looks its instances up by server_id to unlink them.
    CREATE INDEX postgres_instances_server ON postgres_instances(server_id);
  `
}
