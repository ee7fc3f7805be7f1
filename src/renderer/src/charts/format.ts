// Numbers as people read them on an axis or in a legend, per catalogue unit.

const BINARY = ['KiB', 'MiB', 'GiB', 'TiB']

/** KiB-based units scale up (512000 KiB → 500 MiB); others get k/M suffixes past 10,000. */
export function formatValue(value: number | null | undefined, unit: string): string {
  if (value === null || value === undefined || Number.isNaN(value)) return '—'
  if (unit.startsWith('KiB')) {
    const rest = unit.slice(3)
    let scaled = value
    let step = 0
    while (Math.abs(scaled) >= 1024 && step < BINARY.length - 1) {
      scaled /= 1024
      step++
    }
    return `${round(scaled)} ${BINARY[step]}${rest}`
  }
  if (unit === '%') return `${round(value)}%`
  return compact(value)
}

/** Axis tick text: short (the unit is in the panel's title), e.g. 3.8G for 3.8 GiB. */
export function formatTick(value: number, unit: string): string {
  if (unit.startsWith('KiB')) {
    let scaled = value
    let step = 0
    while (Math.abs(scaled) >= 1024 && step < BINARY.length - 1) {
      scaled /= 1024
      step++
    }
    const text = Math.abs(scaled) >= 10 || Number.isInteger(scaled) ? scaled.toFixed(0) : scaled.toFixed(1)
    return `${text}${(BINARY[step] as string).charAt(0)}`
  }
  if (unit === '%') return `${round(value)}`
  return compact(value)
}

function compact(value: number): string {
  const abs = Math.abs(value)
  if (abs >= 1e9) return `${round(value / 1e9)}G`
  if (abs >= 1e6) return `${round(value / 1e6)}M`
  if (abs >= 1e4) return `${round(value / 1e3)}k`
  return round(value)
}

function round(value: number): string {
  const abs = Math.abs(value)
  const digits = abs >= 100 || Number.isInteger(value) ? 0 : abs >= 10 ? 1 : 2
  return value.toFixed(digits)
}
