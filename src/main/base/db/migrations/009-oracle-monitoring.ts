import type { Migration } from './index'

/**
 * Table monitoring ("Oracle Monitoring APIs"): the databases watched (Oracle, or PostgreSQL
 * through the same pipeline), their tables, the snapshots taken and the tasks that took them.
 * Ids are integers as the spec numbers them; AUTOINCREMENT keeps a deleted id from being handed
 * out again. Times are epoch milliseconds, durations seconds. Everything goes with its parent:
 * a server takes its databases, a database its tables, a table its snapshots and tasks.
 *
 * Rows are kept apart from the snapshots that show them: an unchanged table's snapshots share
 * one `oracle_snapshot_data` row, so polling a quiet 10k-row table every minute does not write
 * 10k rows a minute. `rows_json` is the rows as a JSON array of arrays in `columns` order, `preview_json`
 * the first five.
 */
export const m009OracleMonitoring: Migration = {
  version: 9,
  name: 'oracle-monitoring',
  sql: `
    CREATE TABLE oracle_databases (
      id                    INTEGER PRIMARY KEY AUTOINCREMENT,
      server_id             TEXT NOT NULL REFERENCES servers(id) ON DELETE CASCADE,
      name                  TEXT NOT NULL UNIQUE COLLATE NOCASE,
      engine                TEXT NOT NULL DEFAULT 'oracle' CHECK (engine IN ('oracle', 'postgresql')),
      host                  TEXT NOT NULL,
      port                  INTEGER NOT NULL,
      sid                   TEXT,
      service_name          TEXT,
      database_name         TEXT,
      username              TEXT NOT NULL,
      password_enc          TEXT,
      connection_timeout    INTEGER NOT NULL DEFAULT 30,
      is_active             INTEGER NOT NULL DEFAULT 1,
      created_at            INTEGER NOT NULL,
      updated_at            INTEGER NOT NULL,
      last_connection_test  INTEGER,
      connection_status     TEXT NOT NULL DEFAULT 'unknown' CHECK (connection_status IN ('connected', 'failed', 'unknown')),
      connection_error      TEXT,
      database_version      TEXT
    );
    CREATE INDEX oracle_databases_server ON oracle_databases(server_id);

    CREATE TABLE oracle_tables (
      id                  INTEGER PRIMARY KEY AUTOINCREMENT,
      database_id         INTEGER NOT NULL REFERENCES oracle_databases(id) ON DELETE CASCADE,
      schema_name         TEXT NOT NULL,
      table_name          TEXT NOT NULL,
      columns_to_monitor  TEXT NOT NULL DEFAULT '[]',
      where_clause        TEXT,
      order_by            TEXT,
      polling_interval    INTEGER NOT NULL DEFAULT 60,
      max_rows            INTEGER NOT NULL DEFAULT 10000,
      skip_unchanged      INTEGER NOT NULL DEFAULT 0,
      is_active           INTEGER NOT NULL DEFAULT 1,
      -- Bumped by every change to what a snapshot selects: snapshots of different versions are not diffed.
      config_version      INTEGER NOT NULL DEFAULT 1,
      key_columns         TEXT NOT NULL DEFAULT '[]',
      created_at          INTEGER NOT NULL,
      updated_at          INTEGER NOT NULL,
      last_record_count   INTEGER,
      last_snapshot_at    INTEGER,
      last_status         TEXT CHECK (last_status IN ('ok', 'error')),
      last_error          TEXT,
      UNIQUE (database_id, schema_name, table_name)
    );

    CREATE TABLE oracle_snapshot_data (
      id           INTEGER PRIMARY KEY AUTOINCREMENT,
      table_id     INTEGER NOT NULL REFERENCES oracle_tables(id) ON DELETE CASCADE,
      columns      TEXT NOT NULL,
      key_columns  TEXT NOT NULL,
      rows_json    TEXT NOT NULL,
      -- The first rows alone, so that lists with a data_preview do not parse whole snapshots.
      preview_json TEXT NOT NULL
    );
    CREATE INDEX oracle_snapshot_data_table ON oracle_snapshot_data(table_id);

    CREATE TABLE oracle_tasks (
      id                 INTEGER PRIMARY KEY AUTOINCREMENT,
      table_id           INTEGER NOT NULL REFERENCES oracle_tables(id) ON DELETE CASCADE,
      status             TEXT NOT NULL CHECK (status IN ('pending', 'running', 'completed', 'failed')),
      trigger            TEXT NOT NULL CHECK (trigger IN ('schedule', 'manual')),
      created_at         INTEGER NOT NULL,
      started_at         INTEGER,
      completed_at       INTEGER,
      duration           REAL,
      records_collected  INTEGER,
      error_message      TEXT,
      snapshot_id        INTEGER
    );
    CREATE INDEX oracle_tasks_table ON oracle_tasks(table_id, id);
    CREATE INDEX oracle_tasks_created ON oracle_tasks(created_at);
    CREATE INDEX oracle_tasks_status ON oracle_tasks(status);

    CREATE TABLE oracle_snapshots (
      id                   INTEGER PRIMARY KEY AUTOINCREMENT,
      table_id             INTEGER NOT NULL REFERENCES oracle_tables(id) ON DELETE CASCADE,
      task_id              INTEGER REFERENCES oracle_tasks(id) ON DELETE SET NULL,
      data_id              INTEGER NOT NULL REFERENCES oracle_snapshot_data(id) ON DELETE CASCADE,
      taken_at             INTEGER NOT NULL,
      record_count         INTEGER NOT NULL,
      collection_duration  REAL NOT NULL,
      truncated            INTEGER NOT NULL DEFAULT 0,
      config_version       INTEGER NOT NULL,
      baseline             INTEGER NOT NULL DEFAULT 0,
      added                INTEGER NOT NULL DEFAULT 0,
      removed              INTEGER NOT NULL DEFAULT 0,
      changed              INTEGER NOT NULL DEFAULT 0,
      -- {added, removed, changed: [key rows], truncated}
      changed_keys         TEXT NOT NULL DEFAULT '{}',
      -- The fingerprint of the rows when the table is checked with one first (skip_unchanged).
      fingerprint          TEXT,
      -- 0 when the fingerprint matched and no rows were transferred.
      fetched              INTEGER NOT NULL DEFAULT 1
    );
    CREATE INDEX oracle_snapshots_table ON oracle_snapshots(table_id, id);
    CREATE INDEX oracle_snapshots_data ON oracle_snapshots(data_id);
    CREATE INDEX oracle_snapshots_taken ON oracle_snapshots(taken_at);
    CREATE INDEX oracle_snapshots_task ON oracle_snapshots(task_id);
  `
}
