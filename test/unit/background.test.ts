// Work a timer starts reports its failure to its owner: nothing is thrown out of the timer.
import { describe, expect, it } from 'vitest'
import { reportingFailures } from '../../src/main/base/background'

describe('reportingFailures', () => {
  it('runs the work, and reports what it throws instead of throwing it', () => {
    const failures: unknown[] = []
    let runs = 0
    const tick = reportingFailures(() => {
      runs++
      if (runs === 2) throw new Error('disk I/O error')
    }, (error) => failures.push(error))
    tick()
    expect(() => tick()).not.toThrow()
    tick()
    expect(runs).toBe(3)
    expect(failures).toEqual([new Error('disk I/O error')])
  })

  it('reports a promise the work returns that rejects', async () => {
    const reported = new Promise((resolve) => reportingFailures(() => Promise.reject(new Error('gone')), resolve)())
    await expect(reported).resolves.toEqual(new Error('gone'))
  })
})
