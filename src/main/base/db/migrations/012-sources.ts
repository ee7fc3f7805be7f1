import type { Migration } from './index'

/**
 * platform-api.md's sources (every collector as a source), kept by src/main/sources:
 * - source_log: the collectors' own log lines (connects, failures, recoveries, syncs and their
 *   durations) and Vigil's (start, stop); `source` is the source's stable key (server:<uuid>,
 *   postgres:<id>, table:<id>), NULL for Vigil itself. Bounded: the newest lines per source
 *   are kept (sources-repo.ts).
 * - source_runs: each sync (collect now), its outcome, duration and rows.
 * - source_rows: rows each source wrote, per table and UTC day, so a source's row count is
 *   what it wrote within the raw retention without reading the series store.
 * - source_state: when each source last delivered data, and since when it has been failing
 *   (with the error), so both outlive a restart.
 */
export const m012Sources: Migration = {
  version: 12,
  name: 'sources',
  sql: `
    CREATE TABLE source_log (
      id          INTEGER PRIMARY KEY,
      ts          INTEGER NOT NULL,
      source      TEXT,
      level       TEXT NOT NULL,
      message     TEXT NOT NULL
    );
    CREATE INDEX source_log_source ON source_log(source, id);

    CREATE TABLE source_runs (
      id          INTEGER PRIMARY KEY,
      source      TEXT NOT NULL,
      trigger     TEXT NOT NULL,
      started_at  INTEGER NOT NULL,
      finished_at INTEGER,
      status      TEXT NOT NULL,
      rows        INTEGER NOT NULL DEFAULT 0,
      error       TEXT
    );
    CREATE INDEX source_runs_source ON source_runs(source, id);

    CREATE TABLE source_rows (
      source      TEXT NOT NULL,
      table_name  TEXT NOT NULL,
      day         INTEGER NOT NULL,
      rows        INTEGER NOT NULL,
      PRIMARY KEY (source, table_name, day)
    ) WITHOUT ROWID;

    CREATE TABLE source_state (
      source        TEXT PRIMARY KEY,
      last_ok       INTEGER,
      failing_since INTEGER,
      error         TEXT
    );
  `
}
