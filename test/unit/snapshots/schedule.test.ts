import { describe, expect, it } from 'vitest'
import { nextSlotAfter, PollSchedule } from '../../../src/main/table-monitoring/monitor/schedule'

const idle = () => false

describe('PollSchedule', () => {
  it('runs a new table at once, then once per interval', () => {
    const schedule = new PollSchedule()
    const tables = [{ id: 1, intervalMs: 30_000 }]
    expect(schedule.tick(tables, idle, 1_000).start).toEqual([1])
    expect(schedule.tick(tables, idle, 30_999).start).toEqual([])
    expect(schedule.tick(tables, idle, 31_000).start).toEqual([1])
    expect(schedule.nextRun(1)).toBe(61_000)
  })

  it('skips the slot of a table whose previous run is still going, and never runs it twice at once', () => {
    const schedule = new PollSchedule()
    const tables = [{ id: 1, intervalMs: 10_000 }]
    schedule.tick(tables, idle, 0)
    const busy = schedule.tick(tables, () => true, 25_000)
    expect(busy).toEqual({ start: [], skipped: [1] })
    // The next slot on the grid after 25 s is 30 s.
    expect(schedule.nextRun(1)).toBe(30_000)
    expect(schedule.tick(tables, idle, 29_000).start).toEqual([])
    expect(schedule.tick(tables, idle, 30_000).start).toEqual([1])
  })

  it('takes a manual run of a table new to the schedule as its first slot, and leaves a scheduled one on its grid', () => {
    const schedule = new PollSchedule()
    const tables = [{ id: 1, intervalMs: 30_000 }]
    schedule.ranManually(1, 500)
    expect(schedule.tick(tables, idle, 1_000).start).toEqual([])
    expect(schedule.nextRun(1)).toBe(30_500)
    expect(schedule.tick(tables, idle, 30_500).start).toEqual([1])
    schedule.ranManually(1, 40_000)
    expect(schedule.tick(tables, idle, 60_500).start).toEqual([1])
    // A reset (its configuration changed) runs it on the next tick again, whatever ran by hand before.
    schedule.ranManually(2, 0)
    schedule.reset(2)
    expect(schedule.tick([{ id: 2, intervalMs: 30_000 }], idle, 1_000).start).toEqual([2])
  })

  it('forgets tables that left, and reruns a reset one on the next tick', () => {
    const schedule = new PollSchedule()
    schedule.tick([{ id: 1, intervalMs: 60_000 }, { id: 2, intervalMs: 60_000 }], idle, 0)
    schedule.tick([{ id: 2, intervalMs: 60_000 }], idle, 1_000)
    expect(schedule.nextRun(1)).toBeUndefined()
    schedule.reset(2)
    expect(schedule.tick([{ id: 2, intervalMs: 60_000 }], idle, 2_000).start).toEqual([2])
  })
})

describe('nextSlotAfter', () => {
  it('finds the first slot of the grid after now', () => {
    expect(nextSlotAfter(0, 10, 0)).toBe(10)
    expect(nextSlotAfter(0, 10, 9)).toBe(10)
    expect(nextSlotAfter(0, 10, 10)).toBe(20)
    expect(nextSlotAfter(0, 10, 35)).toBe(40)
    expect(nextSlotAfter(5, 0, 7)).toBe(8)
  })
})
