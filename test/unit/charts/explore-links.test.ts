// Every chart panel's "Explore" link names series the Prometheus API serves.
import { describe, expect, it } from 'vitest'
import { VIGIL_FAMILIES } from '../../../src/main/prometheus/series/vigil-families'
import { exploreHref, exploreParams, followedExploreLink, pgPanelQuery, processQuery, selector, serverPanelQuery } from '../../../src/renderer/src/charts/explore-links'
import { PANELS } from '../../../src/renderer/src/charts/panels'
import { DASHBOARD_PANELS } from '../../../src/renderer/src/views/postgres/dashboard-series'

const SERVED = new Set(VIGIL_FAMILIES.flatMap((family) => family.metrics.map((metric) => metric.name)))

/** The metric names a query of explore-links selects. */
function namesIn(query: string): string[] {
  const regex = /__name__=~"([^"]+)"/.exec(query)
  if (regex) return (regex[1] as string).split('|')
  return [/(vigil_[a-z0-9_]+)\{/.exec(query)?.[1] as string]
}

describe('chart panels as PromQL', () => {
  it('maps a server panel to its fields’ series on that server', () => {
    const cpu = PANELS.find((panel) => panel.id === 'cpu') as (typeof PANELS)[number]
    expect(serverPanelQuery(cpu, 'abc')).toBe('{__name__=~"vigil_vmstat_us|vigil_vmstat_sy|vigil_vmstat_wa|vigil_vmstat_idle",server_id="abc"}')
    const tps = PANELS.find((panel) => panel.id === 'disk-tps') as (typeof PANELS)[number]
    expect(serverPanelQuery(tps, 'abc')).toBe('vigil_iostat_tps{server_id="abc"}')
  })

  it('names only served series, for every server and PostgreSQL panel', () => {
    for (const panel of PANELS) for (const name of namesIn(serverPanelQuery(panel, 'x'))) expect(SERVED, panel.id).toContain(name)
    for (const panel of DASHBOARD_PANELS) {
      const query = pgPanelQuery(panel.id, 3)
      expect(query, panel.id).not.toBeNull()
      expect(query).toContain('instance_id="3"')
      for (const name of namesIn(query as string)) expect(SERVED, panel.id).toContain(name)
    }
    for (const name of [namesIn(processQuery('cpu', 'x', [])), namesIn(processQuery('mem', 'x', [1]))].flat()) expect(SERVED).toContain(name)
  })

  it('turns PostgreSQL counters into rates', () => {
    expect(pgPanelQuery('buffers', 1)).toBe('rate(vigil_pg_buffers_alloc{instance_id="1"}[5m])')
  })

  it('selects charted processes by pid', () => {
    expect(processQuery('cpu', 's1', [12, 345])).toBe('vigil_process_cpu{server_id="s1",pid=~"12|345"}')
  })

  it('quotes label values as PromQL strings', () => {
    expect(selector(['up'], { job: 'a"b\\c' })).toBe('up{job="a\\"b\\\\c"}')
  })
})

describe('Explore links', () => {
  it('carry the query and range through the hash', () => {
    const href = exploreHref('rate(x{a="b"}[5m]) > 0 & 1', 3600)
    expect(href.startsWith('#/explore?')).toBe(true)
    expect(exploreParams(href)).toEqual({ query: 'rate(x{a="b"}[5m]) > 0 & 1', rangeSeconds: 3600 })
    expect(exploreParams('#/explore')).toEqual({ query: '', rangeSeconds: null })
  })

  it('loads another link into an open Explore page, and leaves it as it is for the bare nav entry', () => {
    expect(followedExploreLink(exploreHref('up', 900))).toEqual({ query: 'up', rangeSeconds: 900 })
    expect(followedExploreLink(exploreHref(''))).toEqual({ query: '', rangeSeconds: null })
    expect(followedExploreLink('#/explore')).toBeNull()
    expect(followedExploreLink('#/explore?range=60')).toBeNull()
    expect(followedExploreLink('#/overview?query=up')).toBeNull()
  })
})
