import type { Migration } from './index'

/**
 * Import sources (issue 17 item 3; src/main/imports): sources that are fed files rather than
 * collected — metrics CSVs into the series store, generic CSVs into a raw table of
 * `<dataDir>/imports.db`, nmon recordings into a registered server's history.
 * - import_sources: the source's name (its API name), type and options (JSON, the mapping).
 * - import_files: each file of a source's upload directory that an import has looked at: the
 *   size and mtime it had (a file replaced under the same name is imported again), its outcome,
 *   rows loaded, bad rows and the first of their messages with line numbers, and `resume_line`:
 *   the last line whose samples are stored, written in the same transaction as them, so an
 *   import cut short (a crash) carries on after it rather than storing anything twice.
 */
export const m017Imports: Migration = {
  version: 17,
  name: 'imports',
  sql: `
    CREATE TABLE import_sources (
      id          INTEGER PRIMARY KEY,
      name        TEXT NOT NULL UNIQUE,
      type        TEXT NOT NULL,
      options     TEXT NOT NULL,
      created_at  INTEGER NOT NULL
    );

    CREATE TABLE import_files (
      source_id   INTEGER NOT NULL REFERENCES import_sources(id) ON DELETE CASCADE,
      filename    TEXT NOT NULL,
      size        INTEGER NOT NULL,
      mtime       INTEGER NOT NULL,
      status      TEXT NOT NULL,
      rows_loaded INTEGER NOT NULL DEFAULT 0,
      bad_rows    INTEGER NOT NULL DEFAULT 0,
      errors      TEXT,
      resume_line INTEGER NOT NULL DEFAULT 0,
      started_at  INTEGER,
      loaded_at   INTEGER,
      PRIMARY KEY (source_id, filename)
    );
  `
}
