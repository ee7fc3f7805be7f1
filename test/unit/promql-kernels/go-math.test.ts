import { describe, expect, it } from 'vitest'
import { frexp, goCosh, goInt64, goLog10, goLog2, goMax, goMin, goPow, goSinh, ldexp } from '../../../src/main/prometheus/promql/kernels/go-math'

describe("Go's math where it differs from JavaScript's", () => {
  it("has Pow's special cases", () => {
    expect(goPow(1, NaN)).toBe(1) // JavaScript: NaN
    expect(goPow(1, Infinity)).toBe(1) // JavaScript: NaN
    expect(goPow(-1, Infinity)).toBe(1) // JavaScript: NaN
    expect(goPow(-1, -Infinity)).toBe(1)
    expect(goPow(NaN, 0)).toBe(1)
    expect(goPow(NaN, 1)).toBeNaN()
    expect(goPow(2, NaN)).toBeNaN()
    expect(goPow(-8, 1 / 3)).toBeNaN()
    expect(goPow(-0, -1)).toBe(-Infinity)
    expect(goPow(0, -1)).toBe(Infinity)
    expect(goPow(-0, -2)).toBe(Infinity)
    expect(Object.is(goPow(-0, 3), -0)).toBe(true)
    expect(Object.is(goPow(-0, 0.5), 0)).toBe(true)
    expect(goPow(0.5, Infinity)).toBe(0)
    expect(goPow(2, -Infinity)).toBe(0)
    expect(goPow(0.5, -Infinity)).toBe(Infinity)
    expect(goPow(-Infinity, 3)).toBe(-Infinity)
    expect(goPow(-Infinity, 2)).toBe(Infinity)
    expect(goPow(-Infinity, -3)).toBe(-0)
    expect(goPow(Infinity, -1)).toBe(0)
    expect(goPow(-2, 1e300)).toBe(Infinity)
    expect(goPow(-0.5, 1e300)).toBe(0)
  })

  it("computes integral powers as Go's repeated squaring does (bit for bit with 2.42)", () => {
    // Real Prometheus 2.42: vector(1.1) ^ 10 = 2.593742460100002; 1.1 ** 10 is 2.5937424601000023.
    expect(goPow(1.1, 10)).toBe(2.593742460100002)
    expect(goPow(10, -2)).toBe(0.01)
    expect(goPow(-2, 3)).toBe(-8)
    expect(goPow(2, 1023)).toBe(2 ** 1023)
    expect(goPow(2, 1024)).toBe(Infinity)
    expect(goPow(2, -1074)).toBe(5e-324)
    expect(goPow(9, 0.5)).toBe(3)
    expect(goPow(4, -0.5)).toBe(0.5)
    expect(goPow(3, 0.3)).toBeCloseTo(1.3903891703159093, 15)
  })

  it('splits and scales floats as Frexp and Ldexp', () => {
    expect(frexp(8)).toEqual([0.5, 4])
    expect(frexp(-3)).toEqual([-0.75, 2])
    expect(frexp(5e-324)).toEqual([0.5, -1073])
    expect(frexp(0)).toEqual([0, 0])
    expect(ldexp(0.5, 4)).toBe(8)
    expect(ldexp(0.75, -1074)).toBe(5e-324)
    expect(ldexp(1, 1024)).toBe(Infinity)
    expect(ldexp(-1, -1080)).toBe(-0)
  })

  it('lets an infinite bound win over NaN in Max and Min', () => {
    expect(goMax(Infinity, NaN)).toBe(Infinity)
    expect(goMax(1, NaN)).toBeNaN()
    expect(goMin(NaN, -Infinity)).toBe(-Infinity)
    expect(goMin(NaN, 1)).toBeNaN()
    expect(Object.is(goMax(-0, 0), 0)).toBe(true)
    expect(Object.is(goMin(-0, 0), -0)).toBe(true)
  })

  it('overflows Sinh and Cosh where Go computes Exp(|x|)/2', () => {
    // Real Prometheus 2.42: sinh and cosh of 710.0 are +Inf (JavaScript: 1.117e308).
    expect(goSinh(710)).toBe(Infinity)
    expect(goSinh(-710)).toBe(-Infinity)
    expect(goCosh(-710)).toBe(Infinity)
    expect(goSinh(0.5)).toBe(Math.sinh(0.5))
    expect(goCosh(21)).toBe(Math.cosh(21))
    expect(goSinh(22)).toBeCloseTo(Math.sinh(22), 0)
  })

  it('derives Log2 and Log10 from Log as Go does', () => {
    expect(goLog10(1000)).toBe(3)
    // Real Prometheus 2.42: log10(vector(1e15)) = 14.999999999999998.
    expect(goLog10(1e15)).toBe(14.999999999999998)
    expect(goLog2(1024)).toBe(10)
    expect(goLog2(0)).toBe(-Infinity)
    expect(goLog2(-1)).toBeNaN()
  })

  it('converts to int64 as amd64 does: truncation, and -2^63 for what does not fit', () => {
    expect(goInt64(-1.9)).toBe(-1n)
    expect(goInt64(1e18)).toBe(1000000000000000000n)
    for (const v of [NaN, Infinity, -Infinity, 2 ** 63, -(2 ** 64)]) expect(goInt64(v)).toBe(-(2n ** 63n))
  })
})
