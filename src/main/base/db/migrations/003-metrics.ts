import type { Migration } from './index'

/**
 * Raw samples, one table per metric with the spec's fields (times in epoch ms), and
 * 1-minute / 1-hour roll-ups (min/avg/max) for vmstat, iostat and netstat. Process
 * samples are kept raw only: the historical API aggregates them by interval on demand.
 */
export const m003Metrics: Migration = {
  version: 3,
  name: 'metrics',
  sql: `
    CREATE TABLE vmstat_samples (
      id            INTEGER PRIMARY KEY,
      server_id     TEXT NOT NULL REFERENCES servers(id) ON DELETE CASCADE,
      ts            INTEGER NOT NULL,
      r             REAL,
      b             REAL,
      avm           REAL,
      fre           REAL,
      pi            REAL,
      po            REAL,
      fr            REAL,
      interface_in  REAL,
      cs            REAL,
      us            REAL,
      sy            REAL,
      idle          REAL,
      wa            REAL
    );
    CREATE INDEX vmstat_samples_server_ts ON vmstat_samples(server_id, ts);
    CREATE INDEX vmstat_samples_ts ON vmstat_samples(ts);

    CREATE TABLE iostat_samples (
      id            INTEGER PRIMARY KEY,
      server_id     TEXT NOT NULL REFERENCES servers(id) ON DELETE CASCADE,
      ts            INTEGER NOT NULL,
      disk          TEXT NOT NULL,
      tps           REAL,
      kb_read       REAL,
      kb_wrtn       REAL,
      kb_read_rate  REAL,
      kb_wrtn_rate  REAL,
      service_time  REAL
    );
    CREATE INDEX iostat_samples_server_ts ON iostat_samples(server_id, ts);
    CREATE INDEX iostat_samples_ts ON iostat_samples(ts);

    CREATE TABLE netstat_samples (
      id            INTEGER PRIMARY KEY,
      server_id     TEXT NOT NULL REFERENCES servers(id) ON DELETE CASCADE,
      ts            INTEGER NOT NULL,
      interface     TEXT NOT NULL,
      ipkts         REAL,
      ierrs         REAL,
      ipkts_rate    REAL,
      ierrs_rate    REAL,
      opkts         REAL,
      opkts_rate    REAL,
      oerrs         REAL,
      oerrs_rate    REAL
    );
    CREATE INDEX netstat_samples_server_ts ON netstat_samples(server_id, ts);
    CREATE INDEX netstat_samples_ts ON netstat_samples(ts);

    CREATE TABLE process_samples (
      id            INTEGER PRIMARY KEY,
      server_id     TEXT NOT NULL REFERENCES servers(id) ON DELETE CASCADE,
      ts            INTEGER NOT NULL,
      pid           INTEGER NOT NULL,
      user          TEXT NOT NULL,
      cpu           REAL,
      mem           REAL,
      command       TEXT NOT NULL
    );
    CREATE INDEX process_samples_server_ts ON process_samples(server_id, ts);
    CREATE INDEX process_samples_ts ON process_samples(ts);

    CREATE TABLE vmstat_rollups (
      resolution    INTEGER NOT NULL,
      server_id     TEXT NOT NULL REFERENCES servers(id) ON DELETE CASCADE,
      bucket        INTEGER NOT NULL,
      n             INTEGER NOT NULL,
      r_min REAL, r_avg REAL, r_max REAL,
      b_min REAL, b_avg REAL, b_max REAL,
      avm_min REAL, avm_avg REAL, avm_max REAL,
      fre_min REAL, fre_avg REAL, fre_max REAL,
      pi_min REAL, pi_avg REAL, pi_max REAL,
      po_min REAL, po_avg REAL, po_max REAL,
      fr_min REAL, fr_avg REAL, fr_max REAL,
      interface_in_min REAL, interface_in_avg REAL, interface_in_max REAL,
      cs_min REAL, cs_avg REAL, cs_max REAL,
      us_min REAL, us_avg REAL, us_max REAL,
      sy_min REAL, sy_avg REAL, sy_max REAL,
      idle_min REAL, idle_avg REAL, idle_max REAL,
      wa_min REAL, wa_avg REAL, wa_max REAL,
      PRIMARY KEY (resolution, server_id, bucket)
    ) WITHOUT ROWID;

    CREATE TABLE iostat_rollups (
      resolution    INTEGER NOT NULL,
      server_id     TEXT NOT NULL REFERENCES servers(id) ON DELETE CASCADE,
      disk          TEXT NOT NULL,
      bucket        INTEGER NOT NULL,
      n             INTEGER NOT NULL,
      tps_min REAL, tps_avg REAL, tps_max REAL,
      kb_read_min REAL, kb_read_avg REAL, kb_read_max REAL,
      kb_wrtn_min REAL, kb_wrtn_avg REAL, kb_wrtn_max REAL,
      kb_read_rate_min REAL, kb_read_rate_avg REAL, kb_read_rate_max REAL,
      kb_wrtn_rate_min REAL, kb_wrtn_rate_avg REAL, kb_wrtn_rate_max REAL,
      service_time_min REAL, service_time_avg REAL, service_time_max REAL,
      PRIMARY KEY (resolution, server_id, bucket, disk)
    ) WITHOUT ROWID;

    CREATE TABLE netstat_rollups (
      resolution    INTEGER NOT NULL,
      server_id     TEXT NOT NULL REFERENCES servers(id) ON DELETE CASCADE,
      interface     TEXT NOT NULL,
      bucket        INTEGER NOT NULL,
      n             INTEGER NOT NULL,
      ipkts_min REAL, ipkts_avg REAL, ipkts_max REAL,
      ierrs_min REAL, ierrs_avg REAL, ierrs_max REAL,
      ipkts_rate_min REAL, ipkts_rate_avg REAL, ipkts_rate_max REAL,
      ierrs_rate_min REAL, ierrs_rate_avg REAL, ierrs_rate_max REAL,
      opkts_min REAL, opkts_avg REAL, opkts_max REAL,
      opkts_rate_min REAL, opkts_rate_avg REAL, opkts_rate_max REAL,
      oerrs_min REAL, oerrs_avg REAL, oerrs_max REAL,
      oerrs_rate_min REAL, oerrs_rate_avg REAL, oerrs_rate_max REAL,
      PRIMARY KEY (resolution, server_id, bucket, interface)
    ) WITHOUT ROWID;

    -- How far each roll-up has been computed: raw rows before until_ts are rolled up.
    CREATE TABLE rollup_progress (
      metric        TEXT NOT NULL,
      resolution    INTEGER NOT NULL,
      until_ts      INTEGER NOT NULL,
      PRIMARY KEY (metric, resolution)
    );
  `
}
