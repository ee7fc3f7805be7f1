import { memo, useLayoutEffect, useRef } from 'react'
import { GAP_FACTOR, type Column } from '../../charts/shaping'

const WIDTH = 110
const HEIGHT = 26

/** A tiny line of the last minutes on a canvas (cheap for hundreds of rows); nulls break the line. */
export const Sparkline = memo(function Sparkline({
  ts,
  values,
  start,
  end,
  max,
  stepMs,
  version,
  label
}: {
  ts: readonly number[]
  values: Column
  start: number
  end: number
  /** Fixed top of the scale (100 for %), else the data's maximum. */
  max?: number
  /** The server's interval: samples further apart than a few of them break the line. */
  stepMs: number
  version: number
  label: string
}) {
  const canvas = useRef<HTMLCanvasElement>(null)
  useLayoutEffect(() => {
    const element = canvas.current
    const ctx = element?.getContext('2d')
    if (!element || !ctx) return
    const ratio = window.devicePixelRatio || 1
    element.width = WIDTH * ratio
    element.height = HEIGHT * ratio
    ctx.scale(ratio, ratio)
    ctx.clearRect(0, 0, WIDTH, HEIGHT)
    const top = max ?? Math.max(1, ...values.map((value) => value ?? 0))
    const span = Math.max(1, end - start)
    ctx.strokeStyle = getComputedStyle(element).color
    ctx.lineWidth = 1.25
    ctx.beginPath()
    let drawing = false
    for (let i = 0; i < ts.length; i++) {
      const value = values[i]
      if (i > 0 && (ts[i] as number) - (ts[i - 1] as number) > GAP_FACTOR * stepMs) drawing = false
      if (value === null || value === undefined) {
        drawing = false
        continue
      }
      const x = (((ts[i] as number) - start) / span) * WIDTH
      const y = HEIGHT - 2 - (Math.min(value, top) / top) * (HEIGHT - 4)
      if (drawing) ctx.lineTo(x, y)
      else ctx.moveTo(x, y)
      drawing = true
    }
    ctx.stroke()
  }, [ts, values, start, end, max, stepMs, version])
  return <canvas ref={canvas} className="sparkline" style={{ width: WIDTH, height: HEIGHT }} role="img" aria-label={label} />
})
