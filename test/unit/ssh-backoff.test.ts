import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { DEFAULT_BACKOFF, backoffCeilingMs, backoffDelayMs } from '../../src/main/base/ssh/backoff'

describe('reconnect backoff', () => {
  it('doubles its ceiling from 1 s up to 60 s by default', () => {
    const ceilings = [0, 1, 2, 3, 4, 5, 6, 7, 20, 1_000].map((attempt) => backoffCeilingMs(attempt, DEFAULT_BACKOFF))
    expect(ceilings).toEqual([1_000, 2_000, 4_000, 8_000, 16_000, 32_000, 60_000, 60_000, 60_000, 60_000])
  })

  it('draws the full jitter range: 0 at the bottom, just under the ceiling at the top', () => {
    expect(backoffDelayMs(3, DEFAULT_BACKOFF, () => 0)).toBe(0)
    expect(backoffDelayMs(3, DEFAULT_BACKOFF, () => 0.999999)).toBe(7_999)
    expect(backoffDelayMs(0, DEFAULT_BACKOFF, () => 0.5)).toBe(500)
  })

  it('always stays within [0, ceiling) for any attempt and policy', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -5, max: 10_000 }),
        fc.integer({ min: 1, max: 10_000 }),
        fc.integer({ min: 1, max: 1_000_000 }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        (attempt, baseMs, extra, draw) => {
          const policy = { baseMs, maxMs: baseMs + extra }
          const delay = backoffDelayMs(attempt, policy, () => draw)
          const ceiling = backoffCeilingMs(attempt, policy)
          return Number.isInteger(delay) && delay >= 0 && delay < ceiling && ceiling <= policy.maxMs
        }
      )
    )
  })

  it('spreads real random delays over the range', () => {
    const delays = Array.from({ length: 2_000 }, () => backoffDelayMs(2, DEFAULT_BACKOFF))
    expect(Math.min(...delays)).toBeGreaterThanOrEqual(0)
    expect(Math.max(...delays)).toBeLessThan(4_000)
    // 2 000 uniform draws all landing in one half of the range would be a broken jitter.
    expect(delays.some((d) => d < 2_000)).toBe(true)
    expect(delays.some((d) => d >= 2_000)).toBe(true)
  })
})
