// Values that are short decimal text, as most collected values are: both the chunk codec and
// the head log store them as integers times a power of ten.

/** Decimal places tried before a value counts as not a short decimal. */
export const MAX_DECIMAL_PLACES = 6

/** Whether `value` is exactly an integer within ±`limit` divided by 10^`places`. */
export function holdsExactly(value: number, places: number, limit: number): boolean {
  const scale = 10 ** places
  const scaled = Math.round(value * scale)
  return Math.abs(scaled) <= limit && scaled / scale === value
}
