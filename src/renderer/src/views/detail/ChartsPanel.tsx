import { memo, useCallback, useEffect, useMemo, useState } from 'react'
import type { ChartedMetric, SeriesAnswer } from '../../../../shared/metric-series'
import { ChartGroup } from '../../charts/chart-group'
import { ChartNote } from '../../charts/ChartNote'
import { exploreHref, serverPanelQuery } from '../../charts/explore-links'
import { PANELS, busiestKeys, panelData, unitOf, type PanelSpec } from '../../charts/panels'
import { SERIES_COLOURS, STACK_COLOURS } from '../../charts/palette'
import { detailOpened, panelDrawn } from '../../charts/perf'
import type { ResolvedRange } from '../../charts/ranges'
import { findGaps } from '../../charts/shaping'
import { TimeChart } from '../../charts/TimeChart'
import { useTheme } from '../../stores/theme'
import { KeyPicker } from './KeyPicker'

/** Devices drawn by default on the per-disk and per-interface panels. */
const DEFAULT_KEYS = 4

interface ChartsPanelProps {
  serverId: string
  exportName: string
  data: Partial<Record<ChartedMetric, SeriesAnswer>>
  versions: Record<ChartedMetric, number>
  ranges: Record<ChartedMetric, ResolvedRange>
}

/** Every panel of one server, cursor and zoom in sync; disks and interfaces chosen above them. */
export function ChartsPanel({ serverId, exportName, data, versions, ranges }: ChartsPanelProps) {
  const group = useMemo(() => new ChartGroup(`server-${serverId}`), [serverId])
  const [disks, setDisks] = useState<string[] | null>(null)
  const [interfaces, setInterfaces] = useState<string[] | null>(null)
  const themeVersion = useTheme((state) => state.version)

  // Keyed by server in the parent, so the device choices start afresh per server.
  useEffect(() => detailOpened(PANELS.map((panel) => panel.id)), [serverId])

  const keysOf = (metric: ChartedMetric): string[] => (data[metric]?.series ?? []).flatMap((series) => (series.key === null ? [] : [series.key]))
  // Stable arrays, so the memoised panels of other metrics are left alone by a choice here.
  const chosenDisks = useMemo(() => disks ?? busiestKeys(data.iostat, 'tps', DEFAULT_KEYS), [disks, data.iostat])
  const chosenInterfaces = useMemo(() => interfaces ?? busiestKeys(data.netstat, 'ipkts_rate', DEFAULT_KEYS), [interfaces, data.netstat])
  const loaded = data.vmstat !== undefined

  return (
    <div className="charts">
      {data.vmstat?.resolution && data.vmstat.resolution !== 'raw' ? (
        <p className="hint">Showing {data.vmstat.resolution === '1m' ? 'one-minute' : 'hourly'} averages for this range.</p>
      ) : null}
      <div className="key-pickers">
        <KeyPicker label="Disks" keys={keysOf('iostat')} chosen={chosenDisks} onChange={setDisks} />
        <KeyPicker label="Interfaces" keys={keysOf('netstat')} chosen={chosenInterfaces} onChange={setInterfaces} />
      </div>
      <div className="chart-grid">
        {PANELS.map((panel) => (
          <Panel
            key={panel.id}
            panel={panel}
            serverId={serverId}
            answer={data[panel.metric]}
            keys={panel.metric === 'iostat' ? chosenDisks : panel.metric === 'netstat' ? chosenInterfaces : null}
            version={versions[panel.metric]}
            range={ranges[panel.metric]}
            group={group}
            exportName={exportName}
            themeVersion={themeVersion}
            reportDraw={loaded}
          />
        ))}
      </div>
    </div>
  )
}

interface PanelProps {
  panel: PanelSpec
  serverId: string
  answer: SeriesAnswer | undefined
  keys: readonly string[] | null
  version: number
  range: ResolvedRange
  group: ChartGroup
  exportName: string
  themeVersion: number
  /** Whether a draw now counts as the panel's first with data (for the UI benchmark). */
  reportDraw: boolean
}

/** Memoised: a live frame re-renders only the panels of the metric whose samples arrived. */
const Panel = memo(function Panel({ panel, serverId, answer, keys, version, range, group, exportName, themeVersion, reportDraw }: PanelProps) {
  const { start, end } = range
  const drawn = useCallback(() => panelDrawn(panel.id), [panel.id])
  const onDrawn = reportDraw ? drawn : undefined
  // `version` stands for in-place appends to `answer` (live samples).
  // eslint-disable-next-line react-hooks/exhaustive-deps
  const shaped = useMemo(() => panelData(panel, answer, keys, start, end), [panel, answer, keys, start, end, version])
  const gapCount = useMemo(
    () => (answer?.series ?? []).filter((series) => series.key === null || keys?.includes(series.key)).reduce((most, series) => Math.max(most, findGaps(series.ts, answer?.stepMs ?? 5_000).length), 0),
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [answer, keys, version]
  )
  const series = useMemo(
    () => shaped.drawn.map((drawn, i) => ({ label: drawn.label, colour: (panel.stacked ? STACK_COLOURS : SERIES_COLOURS)[i % (panel.stacked ? STACK_COLOURS.length : SERIES_COLOURS.length)] as string })),
    [shaped.drawn, panel.stacked]
  )
  if (answer && answer.series.length === 0 && panel.metric !== 'vmstat') return <EmptyPanel panel={panel} onDrawn={onDrawn} />
  return (
    <TimeChart
      id={panel.id}
      title={panel.title}
      unit={unitOf(panel)}
      group={group}
      series={series}
      table={shaped.table}
      raw={shaped.raw}
      stacked={panel.stacked}
      yRange={panel.yRange}
      gapCount={gapCount}
      exportName={exportName}
      themeVersion={themeVersion}
      exploreHref={exploreHref(serverPanelQuery(panel, serverId), (end - start) / 1000)}
      onDrawn={onDrawn}
    />
  )
})

function EmptyPanel({ panel, onDrawn }: { panel: PanelSpec; onDrawn?: () => void }) {
  useEffect(() => onDrawn?.(), [onDrawn])
  return (
    <ChartNote id={panel.id} title={panel.title}>
      No {panel.metric} samples in this range.
    </ChartNote>
  )
}
