// Only PostgreSQL 15 runs here: every version-keyed choice of progress SQL is checked for every
// supported major by the columns the text it picks references.
import { describe, expect, it } from 'vitest'
import { progressSources, progressSql } from '../../src/main/postgres/maintenance/progress'
import type { ProgressSource } from '../../src/main/postgres/maintenance/types'

const VERSIONS = [130000, 140000, 150000, 160000, 170000, 180000] as const
const ALL: ProgressSource[] = ['vacuum', 'cluster', 'analyze', 'create_index']

describe('progressSql', () => {
  it.each(VERSIONS)('reads pg_stat_progress_vacuum with the columns of %i', (version) => {
    const sql = progressSql(version, ['vacuum'])
    expect(sql).toContain('FROM pg_catalog.pg_stat_progress_vacuum WHERE pid = $1')
    expect(sql).toContain('heap_blks_scanned')
    if (version < 170000) {
      expect(sql).toContain('num_dead_tuples')
      expect(sql).toContain('max_dead_tuples')
      expect(sql).not.toMatch(/dead_tuple_bytes|num_dead_item_ids|indexes_processed|indexes_total/)
    } else {
      expect(sql).toContain("'dead_tuple_bytes', dead_tuple_bytes")
      expect(sql).toContain("'max_dead_tuple_bytes', max_dead_tuple_bytes")
      expect(sql).toContain("'num_dead_item_ids', num_dead_item_ids")
      expect(sql).toContain("WHEN 'vacuuming indexes' THEN indexes_processed")
      expect(sql).toContain("WHEN 'vacuuming indexes' THEN indexes_total")
      expect(sql).not.toMatch(/num_dead_tuples|max_dead_tuples\b/)
    }
    if (version < 180000) expect(sql).not.toContain('delay_time')
    else expect(sql).toContain("'delay_time', delay_time")
  })

  it.each(VERSIONS)('reads pg_stat_progress_analyze with the columns of %i', (version) => {
    const sql = progressSql(version, ['analyze'])
    expect(sql).toContain('FROM pg_catalog.pg_stat_progress_analyze WHERE pid = $1')
    expect(sql).toContain("WHEN 'acquiring sample rows' THEN sample_blks_scanned")
    expect(sql).toContain('current_child_table_relid')
    if (version < 180000) expect(sql).not.toContain('delay_time')
    else expect(sql).toContain("'delay_time', delay_time")
  })

  it.each(VERSIONS)('reads pg_stat_progress_cluster and pg_stat_progress_create_index alike on %i', (version) => {
    const cluster = progressSql(version, ['cluster'])
    expect(cluster).toContain('FROM pg_catalog.pg_stat_progress_cluster WHERE pid = $1')
    expect(cluster).toContain("WHEN 'seq scanning heap' THEN heap_blks_scanned")
    expect(cluster).toContain('index_rebuild_count')
    const createIndex = progressSql(version, ['create_index'])
    expect(createIndex).toContain('FROM pg_catalog.pg_stat_progress_create_index WHERE pid = $1')
    expect(createIndex).toMatch(/blocks_done.*tuples_done.*lockers_done/s)
    expect(createIndex).toContain('index_relid')
  })

  it('joins the views of a job into one query, in order', () => {
    const sql = progressSql(150000, ['cluster', 'analyze'])
    expect(sql.split('UNION ALL')).toHaveLength(2)
    expect(sql.indexOf('pg_stat_progress_cluster')).toBeLessThan(sql.indexOf('pg_stat_progress_analyze'))
    expect(progressSql(170000, ALL).split('UNION ALL')).toHaveLength(4)
  })

  it('has no variant for servers older than 13', () => {
    expect(() => progressSql(120000, ['vacuum'])).toThrow(/no variant/)
  })
})

describe('progressSources', () => {
  it('follows the views each command reports to', () => {
    expect(progressSources('vacuum', null)).toEqual(['vacuum'])
    expect(progressSources('vacuum', { full: false, freeze: true, analyze: false })).toEqual(['vacuum'])
    expect(progressSources('vacuum', { full: false, freeze: false, analyze: true })).toEqual(['vacuum', 'analyze'])
    expect(progressSources('vacuum', { full: true, freeze: false, analyze: false })).toEqual(['cluster'])
    expect(progressSources('vacuum', { full: true, freeze: true, analyze: true })).toEqual(['cluster', 'analyze'])
    expect(progressSources('analyze', null)).toEqual(['analyze'])
    expect(progressSources('reindex', null)).toEqual(['create_index'])
  })
})
