import type uPlot from 'uplot'

/**
 * Panels that move together: uPlot syncs their cursors by `key`; this syncs zoom, which
 * uPlot leaves to the page. A drag-zoom on one panel zooms all; a double-click resets all.
 */
export class ChartGroup {
  readonly key: string
  private readonly charts = new Set<uPlot>()
  private applying = false
  /** The x range the user zoomed to; null while following the data. */
  zoom: { min: number; max: number } | null = null

  constructor(key: string) {
    this.key = key
  }

  add(chart: uPlot): () => void {
    this.charts.add(chart)
    if (this.zoom) chart.setScale('x', this.zoom)
    return () => this.charts.delete(chart)
  }

  zoomTo(min: number, max: number): void {
    if (this.applying || !(max > min)) return
    this.zoom = { min, max }
    this.applying = true
    try {
      for (const chart of this.charts) chart.setScale('x', { min, max })
    } finally {
      this.applying = false
    }
  }

  /** Back to the whole range of each panel's data. */
  reset(): void {
    this.zoom = null
    this.applying = true
    try {
      for (const chart of this.charts) {
        const ts = chart.data[0]
        if (ts.length > 0) chart.setScale('x', { min: ts[0] as number, max: ts[ts.length - 1] as number })
      }
    } finally {
      this.applying = false
    }
  }
}
