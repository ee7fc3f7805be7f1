import type { Migration } from './index'

/**
 * VACUUM, ANALYZE and REINDEX jobs of PostgreSQL instances, run now or at a set time, kept so
 * that scheduled jobs survive a restart and finished ones leave a record. Ids are the agent API's
 * eight hexadecimal digits. Times are epoch milliseconds. A job goes with its instance.
 * `index_table` is the table of an index job's index: jobs on one table never run together.
 * `progress` and `notices` are JSON (the last progress sample, the server's WARNINGs).
 */
export const m007PgMaintenanceJobs: Migration = {
  version: 7,
  name: 'pg-maintenance-jobs',
  sql: `
    CREATE TABLE pg_maintenance_jobs (
      id            TEXT PRIMARY KEY,
      instance_id   INTEGER NOT NULL REFERENCES postgres_instances(id) ON DELETE CASCADE,
      operation     TEXT NOT NULL CHECK (operation IN ('vacuum', 'analyze', 'reindex')),
      dbname        TEXT NOT NULL,
      schema_name   TEXT,
      table_name    TEXT,
      index_name    TEXT,
      index_table   TEXT,
      mode          TEXT,
      scheduled_at  INTEGER NOT NULL,
      requested_at  INTEGER NOT NULL,
      requested_by  TEXT,
      status        TEXT NOT NULL CHECK (status IN ('scheduled', 'running', 'done', 'failed', 'cancelled', 'missed')),
      progress      TEXT,
      backend_pid   INTEGER,
      started_at    INTEGER,
      finished_at   INTEGER,
      error         TEXT,
      notices       TEXT NOT NULL DEFAULT '[]'
    );
    -- The scheduler looks for the next due job; the API lists an instance's pending jobs.
    CREATE INDEX pg_maintenance_jobs_due ON pg_maintenance_jobs(status, scheduled_at);
    CREATE INDEX pg_maintenance_jobs_instance ON pg_maintenance_jobs(instance_id, operation, status);
  `
}
