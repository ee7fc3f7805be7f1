import { memo, useEffect, useMemo } from 'react'
import type { Dashboard } from '../../../../shared/pg-agent'
import { ChartGroup } from '../../charts/chart-group'
import { ChartNote } from '../../charts/ChartNote'
import { SERIES_COLOURS } from '../../charts/palette'
import { TimeChart } from '../../charts/TimeChart'
import { exploreHref, pgPanelQuery } from '../../charts/explore-links'
import { Notices } from '../../components/Notices'
import { usePgDashboard } from '../../stores/postgres-dashboard'
import { useTheme } from '../../stores/theme'
import { DASHBOARD_PANELS, panelData, sampleTime, type DashboardPanel } from './dashboard-series'
import { formatCount } from './format'

/** user, system, I/O wait, steal, idle — idle quiet so the work stands out; memory: active, cache, free. */
const STACKED_COLOURS: Record<string, string[]> = {
  cpu: ['#2f80ed', '#eb5757', '#f2994a', '#9b51e0', '#9aa5b1'],
  memory: ['#2f80ed', '#27ae60', '#9aa5b1']
}

function Facts({ latest, samples }: { latest: Dashboard; samples: number }) {
  const memoryGb = latest.memory ? `${(latest.memory.total / 1024 / 1024).toFixed(1)} GiB` : '—'
  return (
    <dl className="facts pg-facts" aria-label="Instance facts">
      <dt>Version</dt>
      <dd>{latest.pg_version}</dd>
      <dt>Up for</dt>
      <dd>{latest.pg_uptime.replace(/\.\d+$/, '')}</dd>
      <dt>Data directory</dt>
      <dd className="mono">{latest.pg_data ?? 'hidden from this role (pg_monitor shows it)'}</dd>
      <dt>Port</dt>
      <dd>{latest.pg_port}</dd>
      <dt>Databases</dt>
      <dd>
        {latest.databases.databases} · {latest.databases.total_size} in all
      </dd>
      <dt>Connections</dt>
      <dd>
        {formatCount(latest.active_backends.nb)} active of {formatCount(latest.max_connections)} allowed
      </dd>
      <dt>Host</dt>
      <dd>
        {latest.hostname ?? 'not readable'}
        {latest.os_version ? ` · ${latest.os_version}` : ''}
        {latest.n_cpu ? ` · ${latest.n_cpu} CPU${latest.n_cpu === 1 ? '' : 's'}` : ''} · {memoryGb}
      </dd>
      <dt>Readings</dt>
      <dd>
        {samples} · last at {new Date(sampleTime(latest)).toLocaleTimeString()} (server clock {latest.databases.time})
      </dd>
    </dl>
  )
}

interface PanelProps {
  panel: DashboardPanel
  instanceId: number
  samples: Dashboard[]
  interval: number
  group: ChartGroup
  exportName: string
  themeVersion: number
}

const Panel = memo(function Panel({ panel, instanceId, samples, interval, group, exportName, themeVersion }: PanelProps) {
  const data = useMemo(() => panelData(panel, samples, interval), [panel, samples, interval])
  const query = pgPanelQuery(panel.id, instanceId)
  const series = useMemo(
    () => panel.labels.map((label, i) => ({ label, colour: (STACKED_COLOURS[panel.id] ?? SERIES_COLOURS)[i % SERIES_COLOURS.length] as string })),
    [panel]
  )
  if (panel.host && samples.length > 0 && !data.known) {
    return (
      <ChartNote id={panel.id} title={panel.title}>
        Vigil cannot read this instance&apos;s host: link it to a registered server (or run it on this machine) to see its CPU, memory and load.
      </ChartNote>
    )
  }
  return (
    <TimeChart
      id={panel.id}
      title={panel.title}
      unit={panel.unit}
      group={group}
      series={series}
      table={data.table}
      raw={data.raw}
      stacked={panel.stacked}
      yRange={panel.yRange}
      gapCount={data.gaps}
      exportName={exportName}
      themeVersion={themeVersion}
      exploreHref={query ? exploreHref(query) : undefined}
    />
  )
})

/** uPlot charts of the collector's history, growing live, and the instance's facts. */
export function DashboardTab({ instanceId, exportName }: { instanceId: number; exportName: string }) {
  const state = usePgDashboard()
  const themeVersion = useTheme((theme) => theme.version)
  const group = useMemo(() => new ChartGroup(`pg-${instanceId}`), [instanceId])

  useEffect(() => {
    void usePgDashboard.getState().open(instanceId)
    return () => usePgDashboard.getState().close()
  }, [instanceId])

  const latest = state.samples[state.samples.length - 1]
  const interval = state.config?.scheduler_interval ?? 2
  return (
    <div className="pg-dashboard">
      <p className="hint">
        {state.collecting
          ? `Collected by Vigil every ${interval} s; the last ${state.config?.history_length ?? 150} readings are kept. Drag across a chart to zoom, double-click to reset.`
          : `This instance is not collected (inactive, or collection is off): read live every ${interval} s while this page is open.`}
      </p>
      <Notices error={state.error} />
      {latest ? <Facts latest={latest} samples={state.samples.length} /> : state.loading ? <p className="hint">Reading the dashboard…</p> : null}
      <div className="chart-grid pg-chart-grid">
        {DASHBOARD_PANELS.map((panel) => (
          <Panel key={panel.id} panel={panel} instanceId={instanceId} samples={state.samples} interval={interval} group={group} exportName={exportName} themeVersion={themeVersion} />
        ))}
      </div>
    </div>
  )
}
