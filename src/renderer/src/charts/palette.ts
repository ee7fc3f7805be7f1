// Series colours readable on both themes, and the theme's own colours for axes and grid.

export const SERIES_COLOURS = ['#2f80ed', '#eb5757', '#f2994a', '#27ae60', '#9b51e0', '#00a3a3', '#d4a017', '#e056a0', '#6d7f99', '#8d6e63']

/** CPU split colours: user, system, I/O wait, idle — idle quiet so the work stands out. */
export const STACK_COLOURS = ['#2f80ed', '#eb5757', '#f2994a', '#9aa5b1']

export interface ChartTheme {
  text: string
  grid: string
  background: string
}

/** Reads the page's CSS variables, so charts follow the light or dark theme. */
export function chartTheme(): ChartTheme {
  const style = getComputedStyle(document.documentElement)
  const read = (name: string, fallback: string): string => style.getPropertyValue(name).trim() || fallback
  return { text: read('--muted', '#5d6878'), grid: read('--border', '#d9dee5'), background: read('--panel', '#ffffff') }
}

export function withAlpha(hex: string, alpha: number): string {
  const value = Number.parseInt(hex.slice(1), 16)
  return `rgba(${(value >> 16) & 255}, ${(value >> 8) & 255}, ${value & 255}, ${alpha})`
}
