import { describe, expect, it } from 'vitest'
import { metricsRow, planMetrics, type MetricsPlan } from '../../../src/main/imports/csv-metrics'

const header = ['time', 'host', 'cpu %', 'load']

describe('metrics CSV mapping', () => {
  it('names each value column a metric with the prefix, labels from the label columns', () => {
    const plan = planMetrics(header, { name: 's', type: 'csv_metrics', timestamp_column: 'time', label_columns: ['host'], metric_prefix: 'app_' }) as MetricsPlan
    expect(plan.values).toEqual([
      { index: 2, metric: 'app_cpu__' },
      { index: 3, metric: 'app_load' }
    ])
    expect(plan.labels).toEqual([{ index: 1, name: 'host' }])
    expect(metricsRow(plan, ['2024-03-15T10:00:00', 'web1', '12.5', ''])).toEqual({ ts: Date.UTC(2024, 2, 15, 10), labelValues: ['web1'], values: [12.5, null] })
    expect(metricsRow(plan, ['2024-03-15T10:00:00+02:00', 'web1', 'NaN', '+Inf'])).toMatchObject({ ts: Date.UTC(2024, 2, 15, 8), values: [NaN, Infinity] })
  })

  it('says what is wrong with a row: field count, time, number', () => {
    const plan = planMetrics(header, { name: 's', type: 'csv_metrics', timestamp_column: 'time', timestamp_format: 'unix', label_columns: ['host'] }) as MetricsPlan
    expect(metricsRow(plan, ['1700000000.5', 'a', '1', '2'])).toMatchObject({ ts: 1_700_000_000_500 })
    expect(metricsRow(plan, ['1', 'a', '1'])).toBe('3 fields under a header of 4 columns')
    expect(metricsRow(plan, ['yesterday', 'a', '1', '2'])).toBe('the time "yesterday" cannot be read')
    expect(metricsRow(plan, ['1', 'a', 'twelve', '2'])).toBe('cpu__: "twelve" is not a number')
  })

  it('refuses a header without the mapped columns, or with reserved names', () => {
    expect(planMetrics(header, { name: 's', type: 'csv_metrics', timestamp_column: 'ts' })).toBe('the header has no timestamp column "ts"')
    expect(planMetrics(header, { name: 's', type: 'csv_metrics', timestamp_column: 'time', value_columns: ['mem'] })).toBe('the header has no value column "mem"')
    expect(planMetrics(header, { name: 's', type: 'csv_metrics', timestamp_column: 'time', metric_prefix: 'vigil_' })).toMatch(/reserved/)
  })
})
