// A double's 64 bits as two unsigned 32-bit halves, and the staleness marker.

const scratch = new Float64Array(1)
const halves = new Uint32Array(scratch.buffer)
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1
const HIGH = LITTLE_ENDIAN ? 1 : 0
const LOW = LITTLE_ENDIAN ? 0 : 1

export function highBits(value: number): number {
  scratch[0] = value
  return halves[HIGH] as number
}

/** The low half of the double last given to highBits. */
export function lowBitsOfLast(): number {
  return halves[LOW] as number
}

export function fromBits(high: number, low: number): number {
  halves[HIGH] = high
  halves[LOW] = low
  return scratch[0] as number
}

/**
 * Prometheus's staleness marker on the wire: the NaN with payload 2 (0x7ff0000000000002). Inside
 * Vigil a stale sample is the STALE symbol instead (series.ts), because JavaScript engines do not
 * promise to keep a NaN's payload when they copy it: V8 sets the quiet bit, and sometimes drops
 * the payload, when a NaN moves into an array of doubles. Convert at the wire, where the bits are
 * read from a DataView.
 */
export const STALE_NAN = fromBits(0x7ff00000, 2)

/** Whether a double just read from the wire is the staleness marker (quieted or not). */
export function isStaleNan(value: number): boolean {
  if (!Number.isNaN(value)) return false
  const high = highBits(value)
  return lowBitsOfLast() === 2 && (high === 0x7ff00000 || high === 0x7ff80000)
}
