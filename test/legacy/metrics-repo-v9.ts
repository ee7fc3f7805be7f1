// The metrics tables of release 9 (before the series store), as that release read and wrote
// them: the reference the series store's answers are compared with (test/integration/
// metrics-before-after.test.ts), the "row store" of the benchmarks, and how
// scripts/make-metrics-fixture.ts makes a data dir of that release. Not used by Vigil itself.
import type Database from 'better-sqlite3'
import { NUMERIC_FIELDS, SERIES_KEY, type MetricName } from '../../src/shared/metrics'
import type { Db } from '../../src/main/base/db/db'
import type {
  ProcessAggregateQuery,
  ProcessAggregateRow,
  RangeQuery,
  RolledUpMetric,
  SampleBatch,
  SampleValues,
  StoredRollup,
  StoredSample
} from '../../src/main/metrics/samples'

/** Columns written per metric, after server_id and ts. */
const INSERT_COLUMNS: Record<MetricName, readonly string[]> = {
  vmstat: NUMERIC_FIELDS.vmstat,
  iostat: ['disk', ...NUMERIC_FIELDS.iostat],
  netstat: ['interface', ...NUMERIC_FIELDS.netstat],
  process: ['pid', 'user', 'cpu', 'mem', 'command']
}

export const MINUTE_MS = 60_000
export const HOUR_MS = 3_600_000

export type MetricsRepo = ReturnType<typeof createMetricsRepo>

/** Metric samples and their roll-ups: the only code that reads or writes those tables. */
export function createMetricsRepo(db: Db) {
  // Multi-row INSERTs: one statement call per batch rather than per row is what makes ingest
  // fast (the per-call overhead dominates SQLite's own work). Statements are cached per size.
  const MAX_ROWS_PER_STATEMENT = 64
  const insertStatements = new Map<string, Database.Statement<unknown[]>>()
  const insertStatement = (metric: MetricName, rows: number): Database.Statement<unknown[]> => {
    const cacheKey = `${metric}:${rows}`
    let statement = insertStatements.get(cacheKey)
    if (!statement) {
      const columns = ['server_id', 'ts', ...INSERT_COLUMNS[metric]]
      const tuple = `(${columns.map(() => '?').join(', ')})`
      statement = db.prepare(`INSERT INTO ${metric}_samples (${columns.join(', ')}) VALUES ${Array(rows).fill(tuple).join(', ')}`)
      insertStatements.set(cacheKey, statement)
    }
    return statement
  }

  /**
   * Writes many batches in one transaction, and the servers' last_seen; returns the new row
   * ids, batch by batch. Rows of the same metric are packed into shared multi-row INSERTs.
   */
  const touchLastSeen = db.prepare('UPDATE servers SET last_seen = ? WHERE id = ? AND (last_seen IS NULL OR last_seen < ?)')

  const insertBatches = db.transaction((batches: readonly SampleBatch[]): number[][] => {
    const ids = batches.map((batch) => new Array<number>(batch.rows.length))
    // A server's last_seen is the time of its latest sample: kept here, in the same transaction,
    // rather than as a commit of its own per server.
    const latest = new Map<string, number>()
    for (const batch of batches) latest.set(batch.serverId, Math.max(batch.ts, latest.get(batch.serverId) ?? 0))
    for (const [serverId, ts] of latest) touchLastSeen.run(ts, serverId, ts)
    const pending = new Map<MetricName, Array<[batch: number, row: number]>>()
    batches.forEach((batch, b) => {
      let list = pending.get(batch.metric)
      if (!list) pending.set(batch.metric, (list = []))
      for (let r = 0; r < batch.rows.length; r++) list.push([b, r])
    })
    for (const [metric, refs] of pending) {
      const columns = INSERT_COLUMNS[metric]
      for (let start = 0; start < refs.length; start += MAX_ROWS_PER_STATEMENT) {
        const chunk = refs.slice(start, start + MAX_ROWS_PER_STATEMENT)
        const values: unknown[] = []
        for (const [b, r] of chunk) {
          const batch = batches[b] as SampleBatch
          const row = batch.rows[r] as SampleValues
          values.push(batch.serverId, batch.ts)
          for (const column of columns) values.push(row[column] ?? null)
        }
        // Rows of one INSERT get consecutive rowids, ending at lastInsertRowid.
        const last = Number(insertStatement(metric, chunk.length).run(...values).lastInsertRowid)
        chunk.forEach(([b, r], i) => {
          ;(ids[b] as number[])[r] = last - (chunk.length - 1 - i)
        })
      }
    }
    return ids
  })

  const rangeWhere = (query: Omit<RangeQuery, 'limit' | 'offset'>): { sql: string; params: unknown[] } => {
    let sql = 'm.ts >= ? AND m.ts <= ?'
    const params: unknown[] = [query.start, query.end]
    if (query.serverId) {
      sql += ' AND m.server_id = ?'
      params.push(query.serverId)
    }
    if (query.pids?.length) {
      sql += ` AND m.pid IN (${query.pids.map(() => '?').join(', ')})`
      params.push(...query.pids)
    }
    return { sql, params }
  }

  return {
    insertBatches(batches: readonly SampleBatch[]): number[][] {
      return insertBatches(batches)
    },

    /** Raw rows in a time range, oldest first, with the total for paging. */
    samples(metric: MetricName, query: RangeQuery): { rows: StoredSample[]; total: number } {
      const where = rangeWhere(query)
      const total = (db.prepare(`SELECT COUNT(*) AS n FROM ${metric}_samples m WHERE ${where.sql}`).get(...where.params) as { n: number }).n
      const rows = db
        .prepare(
          `SELECT m.*, s.hostname AS server_hostname, s.alias AS server_alias
             FROM ${metric}_samples m JOIN servers s ON s.id = m.server_id
            WHERE ${where.sql} ORDER BY m.ts, m.id LIMIT ? OFFSET ?`
        )
        .all(...where.params, query.limit, query.offset) as StoredSample[]
      return { rows, total }
    },

    /**
     * Process samples bucketed by interval, per pid. A pid reused by another command within
     * one bucket is folded into one row (its command is the bucket's MAX): rare, and far
     * cheaper than telling them apart.
     */
    processAggregates(query: ProcessAggregateQuery): { rows: ProcessAggregateRow[]; total: number } {
      const where = rangeWhere(query)
      // The interval (an integer Vigil computed) is inlined: the query's other parameters are positional.
      const interval = String(Math.trunc(query.intervalMs))
      const grouped = `
        SELECT (m.ts / ${interval}) * ${interval} AS bucket, m.server_id, m.pid, MAX(m.command) AS command, MAX(m.user) AS user,
               AVG(m.cpu) AS avg_cpu, MAX(m.cpu) AS max_cpu, MIN(m.cpu) AS min_cpu,
               AVG(m.mem) AS avg_mem, MAX(m.mem) AS max_mem, MIN(m.mem) AS min_mem, COUNT(*) AS count
          FROM process_samples m
         WHERE ${where.sql}
         GROUP BY m.server_id, bucket, m.pid`
      // COUNT(*) OVER () carries the total on every row, so the grouping runs once.
      const rows = db
        .prepare(
          `SELECT g.*, COUNT(*) OVER () AS total, s.hostname AS server_hostname, s.alias AS server_alias
             FROM (${grouped}) g JOIN servers s ON s.id = g.server_id
            ORDER BY g.bucket, g.server_id, g.pid LIMIT ? OFFSET ?`
        )
        .all(...where.params, query.limit, query.offset) as Array<ProcessAggregateRow & { total: number }>
      if (rows.length > 0 || query.offset === 0) return { rows, total: rows[0]?.total ?? 0 }
      // A page past the end has no row to carry the total.
      const total = (db.prepare(`SELECT COUNT(*) AS n FROM (${grouped})`).get(...where.params) as { n: number }).n
      return { rows, total }
    },

    /** Roll-up rows (n, and min/avg/max per field) in a range, oldest first, with the total for paging. */
    rollups(
      metric: RolledUpMetric,
      resolution: number,
      query: { serverId?: string; start: number; end: number; limit?: number; offset?: number }
    ): { rows: StoredRollup[]; total: number } {
      const params: unknown[] = [resolution, query.start, query.end]
      let where = 'r.resolution = ? AND r.bucket >= ? AND r.bucket <= ?'
      if (query.serverId) {
        where += ' AND r.server_id = ?'
        params.push(query.serverId)
      }
      const total = (db.prepare(`SELECT COUNT(*) AS n FROM ${metric}_rollups r WHERE ${where}`).get(...params) as { n: number }).n
      const rows = db
        .prepare(
          `SELECT r.*, s.hostname AS server_hostname, s.alias AS server_alias
             FROM ${metric}_rollups r JOIN servers s ON s.id = r.server_id
            WHERE ${where} ORDER BY r.bucket, r.server_id LIMIT ? OFFSET ?`
        )
        .all(...params, query.limit ?? -1, query.offset ?? 0) as StoredRollup[]
      return { rows, total }
    },

    rollupProgress(metric: RolledUpMetric, resolution: number): number | undefined {
      const row = db.prepare('SELECT until_ts FROM rollup_progress WHERE metric = ? AND resolution = ?').get(metric, resolution) as
        | { until_ts: number }
        | undefined
      return row?.until_ts
    },

    oldestSample(metric: MetricName): number | undefined {
      const row = db.prepare(`SELECT MIN(ts) AS ts FROM ${metric}_samples`).get() as { ts: number | null }
      return row.ts ?? undefined
    },

    /**
     * Computes the roll-ups of whole buckets in [from, to) at `resolution` — minutes from raw
     * rows, hours from minutes — and records the progress, in one transaction.
     */
    rollUp(metric: RolledUpMetric, resolution: number, from: number, to: number): void {
      const key = SERIES_KEY[metric]
      const fields = NUMERIC_FIELDS[metric]
      const keyColumn = key ? `${key}, ` : ''
      const fromRaw = resolution === MINUTE_MS
      const aggregates = fields
        .map((f) =>
          fromRaw
            ? `MIN(${f}), AVG(${f}), MAX(${f})`
            : `MIN(${f}_min), SUM(${f}_avg * n) / NULLIF(SUM(CASE WHEN ${f}_avg IS NULL THEN 0 ELSE n END), 0), MAX(${f}_max)`
        )
        .join(', ')
      const columns = fields.map((f) => `${f}_min, ${f}_avg, ${f}_max`).join(', ')
      const source = fromRaw
        ? `FROM ${metric}_samples WHERE ts >= @from AND ts < @to`
        : `FROM ${metric}_rollups WHERE resolution = ${MINUTE_MS} AND bucket >= @from AND bucket < @to`
      const time = fromRaw ? 'ts' : 'bucket'
      // The bucket alias must not be a column name: vmstat has a column `b`, and GROUP BY
      // resolves a name to a column before an alias.
      const res = String(Math.trunc(resolution))
      db.transaction(() => {
        db.prepare(
          `INSERT OR REPLACE INTO ${metric}_rollups (resolution, server_id, ${keyColumn}bucket, n, ${columns})
           SELECT ${res}, server_id, ${keyColumn}(${time} / ${res}) * ${res} AS rollup_bucket, ${fromRaw ? 'COUNT(*)' : 'SUM(n)'}, ${aggregates}
             ${source}
            GROUP BY server_id, ${keyColumn}rollup_bucket`
        ).run({ from, to })
        db.prepare(
          'INSERT INTO rollup_progress (metric, resolution, until_ts) VALUES (?, ?, ?) ON CONFLICT (metric, resolution) DO UPDATE SET until_ts = excluded.until_ts'
        ).run(metric, resolution, to)
      })()
    },

    /** Deletes raw rows older than `before`; returns how many went. */
    deleteSamplesBefore(metric: MetricName, before: number): number {
      return db.prepare(`DELETE FROM ${metric}_samples WHERE ts < ?`).run(before).changes
    },

    deleteRollupsBefore(metric: RolledUpMetric, resolution: number, before: number): number {
      return db.prepare(`DELETE FROM ${metric}_rollups WHERE resolution = ? AND bucket < ?`).run(resolution, before).changes
    }
  }
}
