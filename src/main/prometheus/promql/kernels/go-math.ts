// Go's math functions where they answer differently from JavaScript's: Pow's special cases and
// algorithm, Max/Min's infinities before NaN, Sinh/Cosh overflowing early, Log2/Log10 as Go
// derives them from Log, and the float-to-int64 conversion of amd64. Elsewhere (sin, exp,
// atan2, …) both give the same values to within an ulp or two.

const SMALLEST_NORMAL = 2 ** -1022
const view = new DataView(new ArrayBuffer(8))

/** math.Frexp: v = frac × 2^exp with |frac| in [0.5, 1); 0, ±Inf and NaN come back as they are with exp 0. */
export function frexp(v: number): [frac: number, exp: number] {
  if (v === 0 || !Number.isFinite(v)) return [v, 0]
  let exp = 0
  if (Math.abs(v) < SMALLEST_NORMAL) {
    v *= 2 ** 52
    exp = -52
  }
  view.setFloat64(0, v)
  const high = view.getUint32(0)
  exp += ((high >>> 20) & 0x7ff) - 1022
  view.setUint32(0, (high & 0x800fffff) | (1022 << 20))
  return [view.getFloat64(0), exp]
}

/** math.Ldexp: frac × 2^exp, rounded once, overflowing to ±Inf and (below 2^-1075) to ±0 as Go does. */
export function ldexp(frac: number, exp: number): number {
  if (frac === 0 || !Number.isFinite(frac)) return frac
  const [f, e] = frexp(frac)
  // f × 2^e with f in [0.5, 1) is m × 2^(e-1) with m in [1, 2).
  const exponent = exp + e - 1
  const mantissa = f * 2
  if (exponent < -1075) return f < 0 ? -0 : 0
  if (exponent > 1023) return f < 0 ? -Infinity : Infinity
  if (exponent < -1022) return mantissa * 2 ** (exponent + 53) * 2 ** -53
  return mantissa * 2 ** exponent
}

function isOddInteger(v: number): boolean {
  return Math.abs(v) < 2 ** 53 && Number.isInteger(v) && Math.abs(v % 2) === 1
}

/**
 * math.Pow. Its special cases differ from `**`: Pow(1, y) and Pow(-1, ±Inf) are 1 (NaN in
 * JavaScript). The general case follows Go's algorithm (the fractional part of y through
 * Exp∘Log, the integral part by repeated squaring with the binary exponent kept aside), so
 * integral powers come out bit for bit as in Prometheus.
 */
export function goPow(x: number, y: number): number {
  const special = powSpecialCase(x, y)
  if (special !== undefined) return special
  let whole = Math.trunc(Math.abs(y))
  let fraction = Math.abs(y) - whole
  if (fraction !== 0 && x < 0) return NaN
  if (whole >= 2 ** 63) {
    // A huge even exponent: overflow or underflow for every x but -1.
    if (x === -1) return 1
    return Math.abs(x) < 1 === y > 0 ? 0 : Infinity
  }
  let a1 = 1
  let ae = 0
  if (fraction !== 0) {
    if (fraction > 0.5) {
      fraction--
      whole++
    }
    a1 = Math.exp(fraction * Math.log(x))
  }
  let [x1, xe] = frexp(x)
  for (let i = BigInt(whole); i !== 0n; i >>= 1n) {
    if (xe < -(1 << 12) || 1 << 12 < xe) {
      // Catastrophic overflow or underflow: let ldexp saturate.
      ae += xe
      break
    }
    if ((i & 1n) === 1n) {
      a1 *= x1
      ae += xe
    }
    x1 *= x1
    xe <<= 1
    if (x1 < 0.5) {
      x1 += x1
      xe--
    }
  }
  if (y < 0) {
    a1 = 1 / a1
    ae = -ae
  }
  return ldexp(a1, ae)
}

function powSpecialCase(x: number, y: number): number | undefined {
  if (y === 0 || x === 1) return 1
  if (y === 1) return x
  if (Number.isNaN(x) || Number.isNaN(y)) return NaN
  if (x === 0) {
    const negativeZero = Object.is(x, -0)
    if (y < 0) return negativeZero && isOddInteger(y) ? -Infinity : Infinity
    return negativeZero && isOddInteger(y) ? x : 0
  }
  if (!Number.isFinite(y)) {
    if (x === -1) return 1
    return Math.abs(x) < 1 === (y === Infinity) ? 0 : Infinity
  }
  if (!Number.isFinite(x)) {
    if (x === -Infinity) return goPow(-0, -y)
    return y < 0 ? 0 : Infinity
  }
  if (y === 0.5) return Math.sqrt(x)
  if (y === -0.5) return 1 / Math.sqrt(x)
  return undefined
}

/** math.Max: +Inf wins over NaN; +0 over -0. */
export function goMax(x: number, y: number): number {
  if (x === Infinity || y === Infinity) return Infinity
  if (Number.isNaN(x) || Number.isNaN(y)) return NaN
  return Math.max(x, y)
}

/** math.Min: -Inf wins over NaN; -0 over +0. */
export function goMin(x: number, y: number): number {
  if (x === -Infinity || y === -Infinity) return -Infinity
  if (Number.isNaN(x) || Number.isNaN(y)) return NaN
  return Math.min(x, y)
}

/** math.Sinh: from |x| > 21 on, Exp(|x|)/2, which overflows to ±Inf before sinh itself does. */
export function goSinh(v: number): number {
  return Math.abs(v) > 21 ? Math.sign(v) * Math.exp(Math.abs(v)) * 0.5 : Math.sinh(v)
}

/** math.Cosh: from |x| > 21 on, Exp(|x|)/2 (+Inf from about 709.8 on, where cosh is still finite). */
export function goCosh(v: number): number {
  return Math.abs(v) > 21 ? Math.exp(Math.abs(v)) * 0.5 : Math.cosh(v)
}

/** math.Log2: exact for powers of two, otherwise Log(frac)/Ln2 + exp. */
export function goLog2(v: number): number {
  const [frac, exp] = frexp(v)
  if (frac === 0.5) return exp - 1
  return Math.log(frac) * Math.LOG2E + exp
}

/** math.Log10 is Log(v) × (1/Ln10): log10(1000) is 2.9999999999999996 in Go. */
export function goLog10(v: number): number {
  return Math.log(v) * Math.LOG10E
}

const INT64_MIN = -(2n ** 63n)

/**
 * Go's int64(v) as compiled for amd64 (CVTTSD2SQ): truncation toward zero, and the "integer
 * indefinite" -2^63 for NaN, ±Inf and anything outside the int64 range.
 */
export function goInt64(v: number): bigint {
  if (!(v >= -(2 ** 63) && v < 2 ** 63)) return INT64_MIN
  return BigInt(Math.trunc(v))
}
