// What each chart panel draws, as the PromQL query that gives the same series (README, "Prometheus
// API" → "Series"), and the link that opens it in Explore. Pure, unit-tested against the
// series families the API serves.
import type { PanelSpec } from './panels'

/** A label value as PromQL quotes it. */
function quote(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`
}

/** One metric name or several (`{__name__=~"a|b"}`), narrowed by exact label matchers. */
export function selector(names: readonly string[], labels: Readonly<Record<string, string>>): string {
  const matchers = Object.entries(labels).map(([name, value]) => `${name}=${quote(value)}`)
  if (names.length === 1) return `${names[0]}{${matchers.join(',')}}`
  return `{${[`__name__=~${quote(names.join('|'))}`, ...matchers].join(',')}}`
}

/** Every series a scrape target gave: its job and instance. */
export function targetQuery(job: string, instance: string): string {
  return `{job=${quote(job)},instance=${quote(instance)}}`
}

/** A server detail panel: every line's field of its metric, all disks or interfaces. */
export function serverPanelQuery(panel: Pick<PanelSpec, 'metric' | 'lines'>, serverId: string): string {
  return selector(
    panel.lines.map((line) => `vigil_${panel.metric}_${line.field}`),
    { server_id: serverId }
  )
}

/** The processes charted on a server's Processes tab. */
export function processQuery(field: 'cpu' | 'mem', serverId: string, pids: readonly number[]): string {
  const base = `vigil_process_${field}{server_id=${quote(serverId)}`
  return pids.length === 0 ? `${base}}` : `${base},pid=~${quote(pids.join('|'))}}`
}

/** The window PostgreSQL counters are turned into rates over (the dashboard samples every minute or so). */
const PG_RATE_WINDOW = '5m'

/** A PostgreSQL dashboard panel (its id in DASHBOARD_PANELS) for one instance. */
export function pgPanelQuery(panelId: string, instanceId: number): string | null {
  const of = (...names: string[]): string => selector(names, { instance_id: String(instanceId) })
  const rate = (...names: string[]): string => `rate(${of(...names)}[${PG_RATE_WINDOW}])`
  switch (panelId) {
    case 'tps':
      return rate('vigil_pg_xact_commit_total', 'vigil_pg_xact_rollback_total')
    case 'backends':
      return of('vigil_pg_active_backends', 'vigil_pg_max_connections')
    case 'hitratio':
      return of('vigil_pg_hitratio_percent')
    case 'buffers':
      return rate('vigil_pg_buffers_alloc')
    case 'cpu':
      return of(...['user', 'system', 'iowait', 'steal', 'idle'].map((part) => `vigil_pg_host_cpu_${part}_percent`))
    case 'memory':
      return of(...['active', 'cached', 'free'].map((part) => `vigil_pg_host_memory_${part}_percent`))
    case 'load':
      return of('vigil_pg_host_load1')
    default:
      return null
  }
}

/** The Explore page with `query` in it, over the last `rangeSeconds` when given. */
export function exploreHref(query: string, rangeSeconds?: number): string {
  const params = new URLSearchParams({ query })
  if (rangeSeconds !== undefined && rangeSeconds > 0) params.set('range', String(Math.round(rangeSeconds)))
  return `#/explore?${params}`
}

/** Explore's parameters from the page's hash (`#/explore?query=…&range=…`). */
export function exploreParams(hash: string): { query: string; rangeSeconds: number | null } {
  const params = new URLSearchParams(hash.split('?')[1] ?? '')
  const range = Number(params.get('range'))
  return { query: params.get('query') ?? '', rangeSeconds: Number.isFinite(range) && range > 0 ? range : null }
}

/**
 * What a change of the page's hash asks of an open Explore page: the query and range of a link
 * to it, or null when the new URL names no query (the nav entry's bare `#/explore`), which leaves
 * the editor as the user left it; so does a hash that leaves Explore.
 */
export function followedExploreLink(hash: string): { query: string; rangeSeconds: number | null } | null {
  if (hash.replace(/^#/, '').split('?')[0] !== '/explore') return null
  if (!new URLSearchParams(hash.split('?')[1] ?? '').has('query')) return null
  return exploreParams(hash)
}
