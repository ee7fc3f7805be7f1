// Which pg_stat_statements columns feed the agent's fields, per extension version, and so per
// PostgreSQL release: CREATE EXTENSION installs the release's own version, and a cluster upgraded
// with pg_upgrade keeps an older one until ALTER EXTENSION ... UPDATE.
import { describe, expect, it } from 'vitest'
import { extensionVersionNum, statementsSql } from '../../src/main/postgres/statements'

/** The extension version each supported release installs (contrib/pg_stat_statements/*.control). */
const EXTENSION_OF_RELEASE: Array<[serverVersionNum: number, extversion: string]> = [
  [130000, '1.8'],
  [140000, '1.9'],
  [150000, '1.10'],
  [160000, '1.10'],
  [170000, '1.11'],
  [180000, '1.12']
]

/** The agent's fields, in its order. */
const FIELDS = [
  'rolname',
  'datname',
  'userid',
  'dbid',
  'queryid',
  'query',
  'calls',
  'total_time',
  'min_time',
  'max_time',
  'mean_time',
  'stddev_time',
  'rows',
  'shared_blks_hit',
  'shared_blks_read',
  'shared_blks_dirtied',
  'shared_blks_written',
  'local_blks_hit',
  'local_blks_read',
  'local_blks_dirtied',
  'local_blks_written',
  'temp_blks_read',
  'temp_blks_written',
  'blk_read_time',
  'blk_write_time'
]

/** The output names of a SELECT list, in order: the alias, or the column name. */
function outputNames(sql: string): string[] {
  const list = /^SELECT ([\s\S]*?)\n {2}FROM /.exec(sql)?.[1] ?? ''
  return list.split(',').map((item) => {
    const name = item.trim().split(/\s+AS\s+/)[1] ?? item.trim().replace(/^\w+\./, '')
    return name.replaceAll('"', '')
  })
}

describe('statementsSql per PostgreSQL release', () => {
  it.each(EXTENSION_OF_RELEASE)('%i (extension %s): execution times from *_exec_time', (version, extversion) => {
    const sql = statementsSql('public', extversion)
    expect(outputNames(sql)).toEqual(FIELDS)
    for (const stat of ['total', 'min', 'max', 'mean', 'stddev']) expect(sql).toContain(`s.${stat}_exec_time AS ${stat}_time`)
    expect(sql).not.toMatch(/s\.(total|min|max|mean|stddev)_time\b/)
    expect(sql).toContain(`ORDER BY s.total_exec_time DESC`)
    if (version >= 170000) {
      expect(sql).toContain('s.shared_blk_read_time AS blk_read_time')
      expect(sql).toContain('s.shared_blk_write_time AS blk_write_time')
    } else {
      expect(sql).toContain('s.blk_read_time AS blk_read_time')
      expect(sql).toContain('s.blk_write_time AS blk_write_time')
      expect(sql).not.toContain('shared_blk_')
    }
  })

  it.each(['1.4', '1.5', '1.6', '1.7'])('extension %s (kept by pg_upgrade from PostgreSQL 12 or older): total_time and blk_read_time', (extversion) => {
    const sql = statementsSql('public', extversion)
    expect(outputNames(sql)).toEqual(FIELDS)
    expect(sql).toContain('s.total_time AS total_time')
    expect(sql).toContain('s.stddev_time AS stddev_time')
    expect(sql).toContain('s.blk_read_time AS blk_read_time')
    expect(sql).not.toContain('_exec_time')
  })

  it('casts bigint counters to numbers, reads the queryid as text (every digit), and keeps oids as they are', () => {
    const sql = statementsSql('public', '1.10')
    expect(sql).toContain('s.queryid::text AS queryid')
    expect(sql).toContain('s.calls::float8 AS "calls"')
    expect(sql).toContain('s.temp_blks_written::float8 AS "temp_blks_written"')
    expect(sql).toContain('s.userid, s.dbid')
  })

  it("reads the view in the extension's schema, quoted, and names roles and databases", () => {
    const sql = statementsSql('my "stats"', '1.11')
    expect(sql).toContain('FROM "my ""stats""".pg_stat_statements AS s')
    expect(sql).toContain('JOIN pg_catalog.pg_roles AS r ON r.oid = s.userid')
    expect(sql).toContain('JOIN pg_catalog.pg_database AS d ON d.oid = s.dbid')
  })
})

describe('extensionVersionNum', () => {
  it('orders versions as numbers, not text', () => {
    expect(extensionVersionNum('1.8')).toBe(108)
    expect(extensionVersionNum('1.10')).toBe(110)
    expect(extensionVersionNum('1.11')).toBeGreaterThan(extensionVersionNum('1.9'))
    expect(extensionVersionNum('2.0')).toBe(200)
  })

  it('refuses a version it cannot read', () => {
    expect(() => extensionVersionNum('unpackaged')).toThrow(/Unexpected pg_stat_statements version 'unpackaged'/)
  })
})
