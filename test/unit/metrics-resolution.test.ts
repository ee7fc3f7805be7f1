import { describe, expect, it } from 'vitest'
import { chooseResolution } from '../../src/shared/metrics'

const HOUR = 3_600_000
const DAY = 24 * HOUR

describe('chooseResolution', () => {
  it.each([
    [15 * 60_000, 'vmstat', 'raw'],
    [DAY, 'iostat', 'raw'],
    [DAY + 1, 'netstat', '1m'],
    [7 * DAY, 'vmstat', '1m'],
    [31 * DAY, 'vmstat', '1m'],
    [31 * DAY + 1, 'vmstat', '1h'],
    [90 * DAY, 'process', 'raw']
  ] as const)('%d ms of %s → %s', (range, metric, expected) => {
    expect(chooseResolution(range, metric)).toBe(expected)
  })
})
