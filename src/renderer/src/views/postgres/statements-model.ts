// The statements table: derived figures and sorting. Pure, unit-tested.
import type { StatementRow } from '../../../../shared/pg-agent'

export type StatementSortKey = 'calls' | 'total_time' | 'mean_time' | 'rows' | 'hit_ratio' | 'query'

/** Share of shared blocks found in the cache, in percent; null before any block was read. */
export function hitRatio(row: Pick<StatementRow, 'shared_blks_hit' | 'shared_blks_read'>): number | null {
  const total = row.shared_blks_hit + row.shared_blks_read
  return total === 0 ? null : Math.round((row.shared_blks_hit / total) * 1000) / 10
}

function sortValue(row: StatementRow, key: StatementSortKey): number | string {
  if (key === 'hit_ratio') return hitRatio(row) ?? -1
  if (key === 'query') return row.query
  return row[key]
}

export function sortStatements(rows: readonly StatementRow[], key: StatementSortKey, descending: boolean): StatementRow[] {
  const sign = descending ? -1 : 1
  return [...rows].sort((a, b) => {
    const x = sortValue(a, key)
    const y = sortValue(b, key)
    const order = typeof x === 'string' && typeof y === 'string' ? x.localeCompare(y) : (x as number) - (y as number)
    return order * sign || a.query.localeCompare(b.query)
  })
}

export function filterStatements(rows: readonly StatementRow[], search: string): StatementRow[] {
  const needle = search.trim().toLowerCase()
  if (!needle) return rows as StatementRow[]
  return rows.filter((row) => row.query.toLowerCase().includes(needle) || row.rolname.toLowerCase().includes(needle) || row.datname.toLowerCase().includes(needle))
}

/** Milliseconds as people read them: "0.42 ms", "1.3 s", "2 min 5 s". */
export function formatMs(ms: number): string {
  if (ms < 1) return `${ms.toFixed(3)} ms`
  if (ms < 1000) return `${ms.toFixed(ms < 10 ? 2 : ms < 100 ? 1 : 0)} ms`
  const seconds = ms / 1000
  if (seconds < 60) return `${seconds.toFixed(seconds < 10 ? 2 : 1)} s`
  return `${Math.floor(seconds / 60)} min ${Math.round(seconds % 60)} s`
}
