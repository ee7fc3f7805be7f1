import { useLayoutEffect, useRef, useState } from 'react'
import uPlot from 'uplot'
import 'uplot/dist/uPlot.min.css'
import type { ChartGroup } from './chart-group'
import { canvasToPng, download, fileName } from './export'
import { formatTick, formatValue } from './format'
import { chartTheme, withAlpha } from './palette'
import { lastValue, toCsv, type Column, type Table } from './shaping'

export interface ChartSeries {
  label: string
  colour: string
}

export interface TimeChartProps {
  id: string
  title: string
  unit: string
  group: ChartGroup
  series: readonly ChartSeries[]
  /** What is drawn: the time axis and one column per series (running sums when stacked). */
  table: Table
  /** The values behind the drawing, for the legend and CSV (differs from `table` when stacked). */
  raw: Table
  stacked?: boolean
  yRange?: readonly [number, number]
  /** Gaps in the data (collector away), shown in the header and kept as an attribute for tests. */
  gapCount: number
  /** Part of export file names, e.g. the server's hostname. */
  exportName: string
  /** Bumped by the theme switch: colours are read again. */
  themeVersion: number
  /** The same series as a PromQL query in Explore (`#/explore?query=…`). */
  exploreHref?: string
  onDrawn?: () => void
}

const HEIGHT = 170
const SPARSE_POINTS = 60

/**
 * One uPlot panel: units on the y axis, a legend with the value under the cursor (the latest
 * one when the cursor is away), cursor and zoom shared with its group, CSV/PNG export.
 */
export function TimeChart(props: TimeChartProps) {
  const holder = useRef<HTMLDivElement>(null)
  const chart = useRef<uPlot | null>(null)
  // The latest props, read by uPlot callbacks created once per chart.
  const latest = useRef(props)
  useLayoutEffect(() => {
    latest.current = props
  })
  const [error, setError] = useState<string | null>(null)
  const shape = `${props.series.map((s) => s.label).join('|')}#${props.stacked}#${props.themeVersion}`

  useLayoutEffect(() => {
    const element = holder.current
    if (!element) return
    const { group, unit, stacked, yRange, series } = latest.current
    const theme = chartTheme()
    // Stacked areas are drawn top sum first, so each lower one paints over the one above it.
    const order = stacked ? [...series.keys()].reverse() : [...series.keys()]
    const rawColumn = (sidx: number): Column => latest.current.raw.columns[order[sidx - 1] as number] ?? []
    const axis = { stroke: theme.text, grid: { stroke: theme.grid, width: 1 }, ticks: { stroke: theme.grid, width: 1 } }
    const options: uPlot.Options = {
      width: Math.max(element.clientWidth, 200),
      height: HEIGHT,
      ms: 1,
      series: [
        {},
        ...order.map((index) => {
          const { label, colour } = series[index] as ChartSeries
          return {
            label,
            stroke: colour,
            width: 1.5,
            fill: stacked ? withAlpha(colour, 0.85) : undefined,
            spanGaps: false,
            // Dots only where points are few enough to tell apart (a process seen twice, a short range).
            points: { show: (_u: uPlot, _sidx: number, idx0: number, idx1: number) => idx1 - idx0 < SPARSE_POINTS },
            value: (_u: uPlot, _v: number | null, sidx: number, idx: number | null) => {
              const column = rawColumn(sidx)
              return formatValue(idx === null ? lastValue(column) : column[idx], unit)
            }
          }
        })
      ],
      axes: [axis, { ...axis, size: 56, values: (_u, splits) => splits.map((value) => formatTick(value, unit)) }],
      scales: {
        x: { time: true },
        y: { range: yRange ? () => [yRange[0], yRange[1]] : (_u, min, max) => [Math.min(0, min ?? 0), max > 0 ? max * 1.08 : 1] }
      },
      cursor: { sync: { key: group.key }, drag: { x: true, y: false } },
      legend: { live: true },
      hooks: {
        setSelect: [
          (u) => {
            if (u.select.width < 2) return
            group.zoomTo(u.posToVal(u.select.left, 'x'), u.posToVal(u.select.left + u.select.width, 'x'))
            u.setSelect({ left: 0, top: 0, width: 0, height: 0 }, false)
          }
        ],
        draw: [() => latest.current.onDrawn?.()]
      }
    }
    let created: uPlot
    try {
      created = new uPlot(options, toAligned(latest.current.table, order), element)
    } catch (failure) {
      // Said where the chart would be: one broken panel must not take the view down.
      element.textContent = `Chart failed: ${failure instanceof Error ? failure.message : String(failure)}`
      element.setAttribute('role', 'alert')
      return
    }
    chart.current = created
    const leave = group.add(created)
    const reset = (): void => group.reset()
    created.over.addEventListener('dblclick', reset)
    const resize = new ResizeObserver(() => {
      const width = Math.max(element.clientWidth, 200)
      if (width !== created.width) created.setSize({ width, height: HEIGHT })
    })
    resize.observe(element)
    return () => {
      resize.disconnect()
      created.over.removeEventListener('dblclick', reset)
      leave()
      created.destroy()
      chart.current = null
    }
  }, [shape])

  // New data: redraw without losing a zoom; the legend follows the latest values.
  useLayoutEffect(() => {
    const u = chart.current
    if (!u) return
    const order = props.stacked ? [...props.series.keys()].reverse() : [...props.series.keys()]
    u.setData(toAligned(props.table, order), props.group.zoom === null)
    if (props.group.zoom) u.setScale('x', props.group.zoom)
    if (u.cursor.idx === null || u.cursor.idx === undefined) u.setLegend({ idx: null as unknown as number })
  }, [props.table, props.stacked, props.series, props.group])

  const exportCsv = (): void => {
    const u = chart.current
    const { raw, series, title, exportName } = latest.current
    const min = u?.scales.x?.min ?? -Infinity
    const max = u?.scales.x?.max ?? Infinity
    const csv = toCsv(raw, series.map((s) => s.label), min, max)
    download(fileName([exportName, title], 'csv'), new Blob([csv], { type: 'text/csv' }))
  }
  const exportPng = async (): Promise<void> => {
    const u = chart.current
    if (!u) return
    const theme = chartTheme()
    const { title, exportName } = latest.current
    try {
      download(fileName([exportName, title], 'png'), await canvasToPng(u.ctx.canvas, `${exportName} — ${title}`, theme.background, theme.text))
    } catch (failure) {
      setError(failure instanceof Error ? failure.message : String(failure))
    }
  }

  return (
    <figure className="chart" data-panel={props.id} data-gaps={props.gapCount} aria-label={props.title}>
      <figcaption>
        <span className="chart-title">{props.title}</span>
        <span className="chart-unit">{props.unit}</span>
        {props.gapCount > 0 ? (
          <span className="chart-gaps" title="Periods without samples: the collector was away">
            {props.gapCount} gap{props.gapCount === 1 ? '' : 's'}
          </span>
        ) : null}
        <span className="chart-actions">
          {props.exploreHref ? (
            <a className="link-button" href={props.exploreHref} aria-label={`Open ${props.title} in Explore`}>
              Explore
            </a>
          ) : null}
          <button type="button" className="link-button" onClick={exportCsv} aria-label={`Export ${props.title} as CSV`}>
            CSV
          </button>
          <button type="button" className="link-button" onClick={() => void exportPng()} aria-label={`Export ${props.title} as PNG`}>
            PNG
          </button>
        </span>
      </figcaption>
      {error ? <p role="alert" className="error">Chart failed: {error}</p> : null}
      <div ref={holder} className="chart-canvas" />
    </figure>
  )
}

function toAligned(table: Table, order: readonly number[]): uPlot.AlignedData {
  return [table.ts, ...order.map((index) => table.columns[index] ?? [])] as uPlot.AlignedData
}
