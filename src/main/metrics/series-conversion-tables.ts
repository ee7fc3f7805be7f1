// The tables the current release keeps its metrics in (migration 003), as the series
// conversion reads them: which group each row belongs to, its values in the group's columns,
// and an order that keeps each group's rows together and in time, ending in a unique key so
// "after this row" is a resumable cursor.
import { METRICS, type MetricName } from '../../shared/metrics'
import type { SampleValue } from '../base/series/sample'
import type { GroupKey } from '../base/series/series-store'
import { ROLLED_UP, type SampleValues } from './samples'
import { GROUP_LABELS, rollupGroupKey, rollupRow, sampleGroupKey, sampleRow } from './series-mapping'

export interface OldTable {
  table: string
  metric: MetricName
  /** The metric of the groups it becomes (`vmstat`, or `vmstat:rollup` for roll-ups). */
  seriesMetric: string
  /** The row's time column. */
  time: 'ts' | 'bucket'
  /** Columns that tell groups apart (roll-ups: the resolution too). */
  groupColumns: readonly string[]
  /** Group columns, then time, then a unique tiebreak: the conversion order and its cursor. */
  order: readonly string[]
  groupKey(row: Readonly<SampleValues>): GroupKey
  values(row: Readonly<SampleValues>): SampleValue[]
}

function samplesTable(metric: MetricName): OldTable {
  const groupColumns = GROUP_LABELS[metric]
  return {
    table: `${metric}_samples`,
    metric,
    seriesMetric: metric,
    time: 'ts',
    groupColumns,
    order: [...groupColumns, 'ts', 'id'],
    groupKey: (row) => sampleGroupKey(metric, String(row.server_id), row),
    values: (row) => sampleRow(metric, row)
  }
}

function rollupsTable(metric: (typeof ROLLED_UP)[number]): OldTable {
  // A roll-up row is unique by its resolution, server, device and bucket (the table's key).
  const groupColumns = ['resolution', ...GROUP_LABELS[metric]]
  return {
    table: `${metric}_rollups`,
    metric,
    seriesMetric: `${metric}:rollup`,
    time: 'bucket',
    groupColumns,
    order: [...groupColumns, 'bucket'],
    groupKey: (row) => rollupGroupKey(sampleGroupKey(metric, String(row.server_id), row), Number(row.resolution)),
    values: (row) => rollupRow(metric, row)
  }
}

/** Every table to convert, raw samples first. */
export const OLD_TABLES: readonly OldTable[] = [...METRICS.map(samplesTable), ...ROLLED_UP.map(rollupsTable)]

/** What the release keeps beside them and the conversion drops with them. */
export const OLD_BOOKKEEPING_TABLES = ['rollup_progress'] as const
