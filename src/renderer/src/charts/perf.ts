// Figures the UI benchmark reads from the page (bench/ui.ts): when a detail view's charts
// were all drawn, and how long each live update frame took. A small ring, always on.

const FRAMES_KEPT = 600

interface ChartPerf {
  /** ms from opening a server's detail to its last panel's first draw with data. */
  firstDrawMs: number | null
  /** Live update frames: ms from the frame's first setData to its last panel redraw. */
  frames: number[]
}

declare global {
  interface Window {
    __vigilChartPerf?: ChartPerf
  }
}

function perf(): ChartPerf {
  window.__vigilChartPerf ??= { firstDrawMs: null, frames: [] }
  return window.__vigilChartPerf
}

let openedAt = 0
let waitingFor = new Set<string>()

/** A detail view opened: the clock starts, and these panels must draw with data. */
export function detailOpened(panelIds: readonly string[]): void {
  openedAt = performance.now()
  waitingFor = new Set(panelIds)
  perf().firstDrawMs = null
}

export function panelDrawn(panelId: string): void {
  if (!waitingFor.delete(panelId) || waitingFor.size > 0) return
  perf().firstDrawMs = performance.now() - openedAt
}

export function frameTook(ms: number): void {
  const frames = perf().frames
  frames.push(ms)
  if (frames.length > FRAMES_KEPT) frames.shift()
}
