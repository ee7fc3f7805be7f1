// The `vigil` schema models read: Vigil's store as plain tables — the servers register (no
// secrets), the raw metrics of the last STORE_WINDOW_HOURS and their hourly roll-ups of the last
// HOURLY_WINDOW_DAYS (`vmstat_hourly`, …: reports over weeks) — copied from Vigil's services
// into an in-memory database attached to the models connection. The models connection never
// opens vigil.db, so no model can write the operational tables whatever its SQL; and the series
// store's compressed chunks become rows a plain `SELECT … FROM vigil.vmstat` reads.
import { setImmediate as nextTurn } from 'node:timers/promises'
import type { Database } from 'better-sqlite3'
import { NUMERIC_FIELDS, type MetricName } from '../../shared/metrics'
import { ROLLED_UP } from '../metrics'

export const STORE_SCHEMA = 'vigil'
/** How much raw history the metric tables hold: a day (raw samples are kept for days; a day at 5 s is 17,280 rows a server). */
export const STORE_WINDOW_HOURS = 24
/** How much hourly roll-up history the `_hourly` tables hold: a month (24 rows a day per server, disk or interface). */
export const HOURLY_WINDOW_DAYS = 31
const HOUR_MS = 3_600_000
const DAY_MS = 24 * HOUR_MS

type RolledUpMetric = (typeof ROLLED_UP)[number]
/** A metric is copied an hour of one server at a time (about 720 rows at 5 s), the event loop free between them. */
const SLICE_MS = HOUR_MS

type Value = string | number | null

/** What the tables are filled from (the servers and metrics features, wired in app.ts). */
export interface StoreReader {
  servers(): Array<{
    id: string
    hostname: string
    alias: string | null
    ip_address: string
    os_type: string
    os_version: string | null
    architecture: string | null
    status: string
    monitoring_enabled: number
    monitoring_interval: number
    description: string | null
    location: string | null
    environment: string | null
    created_at: number
    last_seen: number | null
    collection_state: string
  }>
  /** Raw rows of one metric of one server in [start, end], each with server_id, ts (epoch ms), its labels and fields. */
  samples(metric: MetricName, start: number, end: number, serverId: string): Array<Record<string, unknown>>
  /** Hourly roll-ups of one metric of one server with buckets in [start, end]: bucket (epoch ms), n, its labels, `{field}_min/_avg/_max`. */
  hourly(metric: RolledUpMetric, start: number, end: number, serverId: string): Array<Record<string, unknown>>
}

interface TableDef {
  columns: Array<[string, 'TEXT' | 'INTEGER' | 'REAL']>
  /** The rows in parts (a metric: an hour of one server at a time), so that filling gives the event loop turns between them. */
  parts(reader: StoreReader, now: number, hostnames: Map<string, string>): Iterable<() => Iterable<Value[]>>
}

const LABELS: Record<MetricName, Array<[string, 'TEXT' | 'INTEGER']>> = {
  vmstat: [],
  iostat: [['disk', 'TEXT']],
  netstat: [['interface', 'TEXT']],
  process: [
    ['pid', 'INTEGER'],
    ['command', 'TEXT'],
    ['user', 'TEXT']
  ]
}

function metricTable(metric: MetricName): TableDef {
  const labels = LABELS[metric]
  const fields = NUMERIC_FIELDS[metric] as readonly string[]
  return {
    columns: [['server', 'TEXT'], ['server_id', 'TEXT'], ['ts', 'TEXT'], ['ts_ms', 'INTEGER'], ...labels, ...fields.map((field): [string, 'REAL'] => [field, 'REAL'])],
    parts: (reader, now, hostnames) =>
      serverSlices(hostnames, now - STORE_WINDOW_HOURS * HOUR_MS, now, SLICE_MS, {
        read: (serverId, from, to) => reader.samples(metric, from, to, serverId),
        tsOf: (row) => Number(row.ts),
        valuesOf: (row) => [...labels.map(([name]) => value(row[name])), ...fields.map((field) => value(row[field]))]
      })
  }
}

/**
 * A store table's rows in parts: each server's [start, now) in slices of `sliceMs`, every row led
 * by the server, its id and the time (ISO and epoch ms). The store's ranges include both ends, so
 * each slice stops a millisecond short of the next.
 */
function* serverSlices<R>(
  hostnames: Map<string, string>,
  start: number,
  now: number,
  sliceMs: number,
  rows: { read: (serverId: string, from: number, to: number) => R[]; tsOf: (row: R) => number; valuesOf: (row: R) => Value[] }
): Iterable<() => Iterable<Value[]>> {
  for (const [serverId, hostname] of hostnames) {
    for (let from = start; from < now; from += sliceMs) {
      const to = Math.min(now, from + sliceMs - 1)
      yield function* () {
        for (const row of rows.read(serverId, from, to)) {
          const ts = rows.tsOf(row)
          yield [hostname, serverId, new Date(ts).toISOString(), ts, ...rows.valuesOf(row)]
        }
      }
    }
  }
}

/**
 * A metric's hourly roll-ups: one row per server (disk, interface) and hour, `n` samples and each
 * field's min, avg and max — what the metrics API answers at `resolution=1h`.
 */
function hourlyTable(metric: RolledUpMetric): TableDef {
  const labels = LABELS[metric]
  const fields = NUMERIC_FIELDS[metric] as readonly string[]
  const stats = fields.flatMap((field) => [`${field}_min`, `${field}_avg`, `${field}_max`])
  return {
    columns: [['server', 'TEXT'], ['server_id', 'TEXT'], ['ts', 'TEXT'], ['ts_ms', 'INTEGER'], ...labels, ['n', 'INTEGER'], ...stats.map((stat): [string, 'REAL'] => [stat, 'REAL'])],
    // A day of one server at a time.
    parts: (reader, now, hostnames) =>
      serverSlices(hostnames, Math.floor((now - HOURLY_WINDOW_DAYS * DAY_MS) / HOUR_MS) * HOUR_MS, now, DAY_MS, {
        read: (serverId, from, to) => reader.hourly(metric, from, to, serverId),
        tsOf: (row) => Number(row.bucket),
        valuesOf: (row) => [...labels.map(([name]) => value(row[name])), value(row.n), ...stats.map((stat) => value(row[stat]))]
      })
  }
}

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString())

/** The tables of the `vigil` schema, by name (README, "SQL models"). */
export const STORE_TABLES: Record<string, TableDef> = {
  servers: {
    columns: [
      ['id', 'TEXT'],
      ['hostname', 'TEXT'],
      ['alias', 'TEXT'],
      ['ip_address', 'TEXT'],
      ['os_type', 'TEXT'],
      ['os_version', 'TEXT'],
      ['architecture', 'TEXT'],
      ['status', 'TEXT'],
      ['monitoring_enabled', 'INTEGER'],
      ['monitoring_interval', 'INTEGER'],
      ['description', 'TEXT'],
      ['location', 'TEXT'],
      ['environment', 'TEXT'],
      ['collection_state', 'TEXT'],
      ['created_at', 'TEXT'],
      ['last_seen', 'TEXT']
    ],
    *parts(reader) {
      yield () =>
        reader
          .servers()
          .map((s) => [
            s.id,
            s.hostname,
            s.alias,
            s.ip_address,
            s.os_type,
            s.os_version,
            s.architecture,
            s.status,
            s.monitoring_enabled,
            s.monitoring_interval,
            s.description,
            s.location,
            s.environment,
            s.collection_state,
            iso(s.created_at),
            iso(s.last_seen)
          ])
    }
  },
  vmstat: metricTable('vmstat'),
  iostat: metricTable('iostat'),
  netstat: metricTable('netstat'),
  process: metricTable('process'),
  ...Object.fromEntries(ROLLED_UP.map((metric) => [`${metric}_hourly`, hourlyTable(metric)]))
}

function value(raw: unknown): Value {
  if (raw === null || raw === undefined) return null
  if (typeof raw === 'number' || typeof raw === 'string') return raw
  return String(raw)
}

/** The `vigil` tables `sql` names (`vigil.vmstat`, `"vigil"."servers"`). */
export function storeTablesIn(sql: string): string[] {
  const found = new Set<string>()
  for (const match of sql.matchAll(/\bvigil"?\s*\.\s*"?(\w+)/gi)) {
    const name = (match[1] as string).toLowerCase()
    if (name in STORE_TABLES) found.add(name)
  }
  return [...found]
}

/** The schema attached, each table created empty (so a model naming one always compiles). */
export function attachStoreSchema(db: Database): void {
  db.exec(`ATTACH DATABASE ':memory:' AS ${STORE_SCHEMA}`)
  for (const [name, def] of Object.entries(STORE_TABLES)) {
    db.exec(`CREATE TABLE ${STORE_SCHEMA}."${name}" (${def.columns.map(([column, type]) => `"${column}" ${type}`).join(', ')})`)
  }
}

/**
 * Refills the named tables from Vigil now; answers the rows each got. A metric is read and
 * written an hour of one server at a time, with a turn of the event loop between, so a day of a
 * fleet never holds the API for long (bench/README.md, models.ts).
 */
export async function fillStoreTables(db: Database, reader: StoreReader, names: readonly string[], now: number): Promise<Record<string, number>> {
  const counts: Record<string, number> = {}
  if (names.length === 0) return counts
  const hostnames = new Map(reader.servers().map((server) => [server.id, server.hostname]))
  for (const name of names) {
    const def = STORE_TABLES[name]
    if (!def) continue
    db.exec(`DELETE FROM ${STORE_SCHEMA}."${name}"`)
    const insert = db.prepare(`INSERT INTO ${STORE_SCHEMA}."${name}" VALUES (${def.columns.map(() => '?').join(', ')})`)
    let count = 0
    for (const part of def.parts(reader, now, hostnames)) {
      db.transaction(() => {
        for (const row of part()) {
          insert.run(row)
          count++
        }
      })()
      await nextTurn()
    }
    counts[name] = count
  }
  return counts
}
