const DAY_MS = 86_400_000

/** The last day formatted ("2024-08-07T"): rows of one answer fall on a few days, so most calls skip Date. */
let cachedDay = Number.NaN
let cachedDayPrefix = ''

/** ISO 8601 in UTC with second precision, as the specs write timestamps ("2024-08-07T10:30:00Z"). */
export function isoSeconds(instant: number): string {
  // Date drops a fraction of a millisecond towards zero; so must the arithmetic below.
  const ms = Math.trunc(instant)
  const day = Math.floor(ms / DAY_MS)
  if (day !== cachedDay) {
    const iso = new Date(ms).toISOString()
    // Years beyond 9999 (or before 0) are written with six digits and a sign: no shortcut.
    if (iso.length !== 24) return iso.replace(/\.\d{3}Z$/, 'Z')
    cachedDay = day
    cachedDayPrefix = iso.slice(0, 11)
  }
  const seconds = Math.floor((ms - day * DAY_MS) / 1000)
  return `${cachedDayPrefix}${twoDigits(Math.floor(seconds / 3600))}:${twoDigits(Math.floor(seconds / 60) % 60)}:${twoDigits(seconds % 60)}Z`
}

function twoDigits(value: number): string {
  return value < 10 ? `0${value}` : String(value)
}
