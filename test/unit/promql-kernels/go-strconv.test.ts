import { describe, expect, it } from 'vitest'
import { formatGoFixed, formatGoFloat, formatGoValue, parseGoFloat } from '../../../src/main/prometheus/promql/kernels/go-strconv'

describe("Go's strconv and fmt for numbers", () => {
  it('parses as strconv.ParseFloat, refusing what it refuses', () => {
    const parsed = (text: string): number | undefined => parseGoFloat(text)
    expect(parsed('0.005')).toBe(0.005)
    expect(parsed('1.0')).toBe(1)
    expect(parsed('+Inf')).toBe(Infinity)
    expect(parsed('-inf')).toBe(-Infinity)
    expect(parsed('inFinity')).toBe(Infinity)
    expect(parsed('NaN')).toBeNaN()
    expect(parsed('nan')).toBeNaN()
    expect(parsed('1_0')).toBe(10)
    expect(parsed('0x1p3')).toBe(8)
    expect(parsed('0x1.8p1')).toBe(3)
    expect(parsed('0x_1p1')).toBe(2)
    expect(parsed('.5')).toBe(0.5)
    expect(parsed('5.')).toBe(5)
    expect(parsed('1e-400')).toBe(0)
    for (const refused of ['', ' 1', '1 ', '+nan', 'infin', '0x10', '0b1', '1e400', '_1', '1__0', '1_', '1_.5', '1e', '.', 'e5', '0x1.8']) {
      expect(parsed(refused), refused).toBeUndefined()
    }
  })

  it("formats as FormatFloat(v, 'f', -1, 64), %f and %v", () => {
    expect(['1', '2.5', '1000000000000000000000', '0.0000001', 'NaN', '+Inf', '-0']).toEqual([1, 2.5, 1e21, 1e-7, NaN, Infinity, -0].map(formatGoFloat))
    expect(['1.000000', '-0.500000', 'NaN', '+Inf', '1000000000000000000000.000000']).toEqual([1, -0.5, NaN, Infinity, 1e21].map(formatGoFixed))
    expect(['1e+19', '-9.223372036854776e+18', '123456', '1.234567e+06', '0.0001', '1e-05', 'NaN', '-Inf']).toEqual(
      [1e19, -(2 ** 63), 123456, 1234567, 0.0001, 0.00001, NaN, -Infinity].map(formatGoValue)
    )
  })
})
