import type { Migration } from './index'

/**
 * OpenMetrics workspaces (Prometheus jobs) and their collection targets
 * (sysmon-prometheus-api.md, "OpenMetrics Dashboard Workspace API" and "… Collection Target
 * API"; src/main/prometheus/scrape).
 * - A job is what the spec calls a workspace: a name (the `job` label) and a metrics path, plus
 *   Vigil's scrape settings (interval, timeout, honor_labels, limits), which the spec leaves out.
 *   `reserved_job_cd` marks a system job, which the API may not change, delete or add targets to:
 *   the one seeded here stands for the series Vigil collects itself (SSH, PostgreSQL).
 * - A target is a registered server and a port; it goes with its server or its job. The last
 *   scrape's outcome is kept on the row (result code, reason, status), so the API reports the
 *   real last scrape also after a restart.
 */
export const m015ScrapeJobs: Migration = {
  version: 15,
  name: 'scrape-jobs',
  sql: `
    CREATE TABLE scrape_jobs (
      id                  TEXT PRIMARY KEY,
      job_name            TEXT NOT NULL UNIQUE,
      metrics_path        TEXT NOT NULL,
      description         TEXT,
      scrape_interval_ms  INTEGER NOT NULL DEFAULT 15000,
      scrape_timeout_ms   INTEGER NOT NULL DEFAULT 10000,
      honor_labels        INTEGER NOT NULL DEFAULT 0,
      sample_limit        INTEGER NOT NULL DEFAULT 200000,
      body_size_limit     INTEGER NOT NULL DEFAULT 16777216,
      reserved_job_cd     TEXT,
      lst_modifier        TEXT,
      lst_mod_at          INTEGER NOT NULL,
      created_at          INTEGER NOT NULL
    );

    CREATE TABLE scrape_targets (
      id                  TEXT PRIMARY KEY,
      job_id              TEXT NOT NULL REFERENCES scrape_jobs(id) ON DELETE CASCADE,
      host_id             TEXT NOT NULL REFERENCES servers(id) ON DELETE CASCADE,
      port                INTEGER NOT NULL,
      lst_modifier        TEXT,
      lst_mod_at          INTEGER NOT NULL,
      created_at          INTEGER NOT NULL,
      result_cd           INTEGER,
      fail_reason         TEXT,
      mntrn_stat_cd       TEXT,
      last_scrape_at      INTEGER,
      last_duration_ms    REAL,
      last_samples        INTEGER,
      UNIQUE (job_id, host_id, port)
    );
    CREATE INDEX scrape_targets_host ON scrape_targets(host_id);

    INSERT INTO scrape_jobs (id, job_name, metrics_path, description, reserved_job_cd, lst_mod_at, created_at)
    VALUES ('vigil', 'vigil', '/metrics',
            'The series Vigil collects itself (SSH metrics, PostgreSQL history): system-reserved, not scraped',
            'VIGIL_SELF', 0, 0);
  `
}
