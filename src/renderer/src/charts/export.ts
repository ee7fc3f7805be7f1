// Saving what a chart shows: CSV of its rows in the visible range, PNG of its canvas.

export function download(filename: string, blob: Blob): void {
  const url = URL.createObjectURL(blob)
  const link = document.createElement('a')
  link.href = url
  link.download = filename
  document.body.append(link)
  link.click()
  link.remove()
  setTimeout(() => URL.revokeObjectURL(url), 1_000)
}

/** The chart's canvas under a title line, on the theme's background, as a PNG. */
export async function canvasToPng(canvas: HTMLCanvasElement, title: string, background: string, text: string): Promise<Blob> {
  const ratio = canvas.width / canvas.clientWidth || 1
  const titleHeight = Math.round(28 * ratio)
  const out = document.createElement('canvas')
  out.width = canvas.width
  out.height = canvas.height + titleHeight
  const ctx = out.getContext('2d') as CanvasRenderingContext2D
  ctx.fillStyle = background
  ctx.fillRect(0, 0, out.width, out.height)
  ctx.fillStyle = text
  ctx.font = `${Math.round(14 * ratio)}px system-ui, sans-serif`
  ctx.textBaseline = 'middle'
  ctx.fillText(title, Math.round(8 * ratio), titleHeight / 2)
  ctx.drawImage(canvas, 0, titleHeight)
  return new Promise((resolve, reject) => out.toBlob((blob) => (blob ? resolve(blob) : reject(new Error('PNG encoding failed'))), 'image/png'))
}

/** A file name safe on every OS: the parts joined by '-', unsafe characters dropped. */
export function fileName(parts: readonly string[], extension: string): string {
  return `${parts.map((part) => part.replace(/[^\w.-]+/g, '_')).join('-')}.${extension}`
}
