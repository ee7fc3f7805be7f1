// Figures the UI benchmark reads from the page (bench/ui.ts): when a detail view's charts
// were all drawn, and how long each live update frame took. A small ring, always on.

const FRAMES_KEPT = 600

interface ChartPerf {
  /** ms from opening a server's detail to its last panel's first draw with data. */
  firstDrawMs: number | null
  /** Live update frames: ms of script (store update, React render, uPlot redraws) per frame. */
  frames: number[]
  /** The same frames up to the task after them: script plus the browser's style, layout and paint. */
  paintedFrames: number[]
}

declare global {
  interface Window {
    __vigilChartPerf?: ChartPerf
  }
}

function perf(): ChartPerf {
  window.__vigilChartPerf ??= { firstDrawMs: null, frames: [], paintedFrames: [] }
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

function keep(list: number[], ms: number): void {
  list.push(ms)
  if (list.length > FRAMES_KEPT) list.shift()
}

const afterPaint = new MessageChannel()
const paintedSince: number[] = []
afterPaint.port1.onmessage = () => {
  const now = performance.now()
  for (const start of paintedSince.splice(0)) keep(perf().paintedFrames, now - start)
}

/**
 * Called right after a live frame changed the store, at `start`. React renders in a microtask
 * and uPlot redraws in the microtasks that queues, so two hops of microtasks later the script
 * is done; a message task runs after the browser has painted the frame.
 */
export function measureFrame(start: number): void {
  queueMicrotask(() => queueMicrotask(() => queueMicrotask(() => keep(perf().frames, performance.now() - start))))
  paintedSince.push(start)
  afterPaint.port2.postMessage(null)
}
