// Which SQL each monitoring probe runs on each supported PostgreSQL major: only 15 runs in the
// integration tests, so every version-keyed choice is checked here.
import { describe, expect, it } from 'vitest'
import { PROBE_SQL, probeSql, type SqlProbeName } from '../../src/main/postgres/monitoring/sql'

const VERSIONS = [130000, 140000, 150000, 160000, 170000, 180000] as const
const PROBES = Object.keys(PROBE_SQL) as SqlProbeName[]

describe('probe SQL by server version', () => {
  it.each(VERSIONS)('every probe has SQL for %i, stamped with the time and port', (version) => {
    for (const probe of PROBES) {
      const sql = probeSql(probe, version)
      expect(sql).toMatch(/current_setting\('port'\)::int AS port/)
      // wal_files is stamped with the host-style time by the probe itself.
      if (probe !== 'wal_files') expect(sql).toMatch(/to_char\(current_timestamp, 'YYYY-MM-DD HH24:MI:SS\.USOF'\) AS datetime/)
    }
  })

  it('refuses a server older than 13', () => {
    for (const probe of PROBES) expect(() => probeSql(probe, 120000)).toThrow(/no variant for server_version_num 120000/)
  })

  it.each([130000, 140000, 150000, 160000])('bgwriter on %i reads pg_stat_bgwriter alone', (version) => {
    const sql = probeSql('bgwriter', version)
    expect(sql).toMatch(/FROM pg_stat_bgwriter$/)
    expect(sql).toMatch(/checkpoints_timed::float8 AS checkpoints_timed/)
    expect(sql).toMatch(/buffers_backend::float8 AS buffers_backend,/)
    expect(sql).toMatch(/buffers_backend_fsync::float8 AS buffers_backend_fsync/)
    expect(sql).not.toMatch(/pg_stat_checkpointer|pg_stat_io/)
  })

  it.each([170000, 180000])('bgwriter on %i rebuilds the same fields from pg_stat_checkpointer, pg_stat_bgwriter and pg_stat_io', (version) => {
    const sql = probeSql('bgwriter', version)
    for (const mapping of [
      'c.num_timed::float8 AS checkpoints_timed',
      'c.num_requested::float8 AS checkpoints_req',
      'c.write_time AS checkpoint_write_time',
      'c.sync_time AS checkpoint_sync_time',
      'c.buffers_written::float8 AS buffers_checkpoint',
      'b.buffers_clean::float8 AS buffers_clean',
      'b.maxwritten_clean::float8 AS maxwritten_clean',
      'io.writes AS buffers_backend',
      'io.fsyncs AS buffers_backend_fsync',
      'b.buffers_alloc::float8 AS buffers_alloc'
    ]) {
      expect(sql).toContain(mapping)
    }
    expect(sql).toContain('FROM pg_stat_bgwriter b')
    expect(sql).toContain('CROSS JOIN pg_stat_checkpointer c')
    expect(sql).toMatch(/FROM pg_stat_io\s+WHERE object = 'relation' AND backend_type NOT IN \('background writer', 'checkpointer'\)/)
    // Columns that PostgreSQL 17 removed from pg_stat_bgwriter are not read from it.
    expect(sql).not.toMatch(/\bb\.(checkpoints_timed|checkpoints_req|buffers_checkpoint|buffers_backend|checkpoint_write_time)/)
  })

  it.each(VERSIONS)('bgwriter on %i names every documented field', (version) => {
    const sql = probeSql('bgwriter', version)
    for (const field of [
      'datetime',
      'port',
      'checkpoints_timed',
      'checkpoints_req',
      'checkpoint_write_time',
      'checkpoint_sync_time',
      'buffers_checkpoint',
      'buffers_clean',
      'maxwritten_clean',
      'buffers_backend',
      'buffers_backend_fsync',
      'buffers_alloc',
      'stats_reset'
    ]) {
      // The field as the select list's last word before a comma or the line's end.
      expect(sql).toMatch(new RegExp(`\\b${field}(,|\\n)`))
    }
  })

  it.each([130000, 140000])('tblspc_size on %i checks pg_read_all_stats by membership, as the server does', (version) => {
    expect(probeSql('tblspc_size', version)).toContain("pg_has_role('pg_read_all_stats', 'MEMBER')")
  })

  it.each([150000, 160000, 170000, 180000])('tblspc_size on %i checks pg_read_all_stats by privileges, as the server does', (version) => {
    expect(probeSql('tblspc_size', version)).toContain("pg_has_role('pg_read_all_stats', 'USAGE')")
  })

  it.each(VERSIONS)('wal_files on %i uses the pg_wal functions granted to pg_monitor', (version) => {
    const sql = probeSql('wal_files', version)
    expect(sql).toContain('FROM pg_ls_waldir()')
    expect(sql).toContain('FROM pg_ls_archive_statusdir()')
    expect(sql).toContain('pg_current_wal_lsn()')
    expect(sql).toContain('pg_last_wal_receive_lsn()')
    expect(sql).toContain("pg_wal_lsn_diff(p.lsn, '0/0')")
    expect(sql).not.toMatch(/xlog|pg_ls_dir\(/)
  })

  it.each(VERSIONS)('sessions on %i counts lock waits by wait_event_type', (version) => {
    expect(probeSql('sessions', version)).toContain("a.state = 'active' AND a.wait_event_type = 'Lock')::int AS waiting")
  })

  it('locks counts every lock mode, granted and waiting', () => {
    const sql = probeSql('locks', 150000)
    for (const mode of ['AccessShare', 'RowShare', 'RowExclusive', 'ShareUpdateExclusive', 'Share', 'ShareRowExclusive', 'Exclusive', 'AccessExclusive']) {
      expect(sql).toContain(`l.mode = '${mode}Lock' AND l.granted`)
      expect(sql).toContain(`l.mode = '${mode}Lock' AND NOT l.granted`)
    }
    expect(sql).toContain("l.mode = 'SIReadLock'")
  })
})
