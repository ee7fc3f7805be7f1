/** A table the monitor polls, as the schedule sees it. */
export interface Polled {
  id: number
  intervalMs: number
}

export interface TickPlan {
  /** Tables to snapshot now. */
  start: number[]
  /** Tables due now whose previous run is still going: this slot is skipped. */
  skipped: number[]
}

/**
 * When each table runs next. A table runs at most once per polling interval and never twice at
 * once: when its slot comes while the previous run is still going (a slow query), the slot is
 * skipped rather than queued, so a slow table cannot pile up runs against its database. A
 * table new to the schedule (just added, its configuration changed, Vigil just started) runs on
 * the next tick — unless it was run by hand meanwhile: that run takes its first slot, and the
 * next comes an interval later (a table added and synced at once is not snapshot twice).
 */
export class PollSchedule {
  private readonly due = new Map<number, number>()
  /** When a table new to the schedule was run by hand (ranManually). */
  private readonly ranFirst = new Map<number, number>()

  tick(tables: readonly Polled[], isRunning: (id: number) => boolean, now: number): TickPlan {
    const plan: TickPlan = { start: [], skipped: [] }
    const seen = new Set<number>()
    for (const { id, intervalMs } of tables) {
      seen.add(id)
      const ran = this.ranFirst.get(id)
      if (ran !== undefined && !this.due.has(id)) this.due.set(id, ran + intervalMs)
      this.ranFirst.delete(id)
      const due = this.due.get(id) ?? now
      if (now < due) continue
      if (isRunning(id)) {
        plan.skipped.push(id)
        this.due.set(id, nextSlotAfter(due, intervalMs, now))
        continue
      }
      plan.start.push(id)
      this.due.set(id, now + intervalMs)
    }
    // Tables gone or paused leave the schedule; they start afresh when they come back.
    for (const id of [...this.due.keys()]) if (!seen.has(id)) this.due.delete(id)
    for (const id of [...this.ranFirst.keys()]) if (!seen.has(id)) this.ranFirst.delete(id)
    return plan
  }

  /** The table was run by hand at `at`: if it is new to the schedule, that run is its first slot. */
  ranManually(id: number, at: number): void {
    if (!this.due.has(id)) this.ranFirst.set(id, at)
  }

  /** Runs the table on the next tick (its configuration changed, or it was just added). */
  reset(id: number): void {
    this.due.delete(id)
    this.ranFirst.delete(id)
  }

  /** When the table runs next (epoch ms), if scheduled. */
  nextRun(id: number): number | undefined {
    return this.due.get(id)
  }
}

/** The first slot of the `due + k·interval` grid that lies after `now`. */
export function nextSlotAfter(due: number, intervalMs: number, now: number): number {
  if (intervalMs <= 0) return now + 1
  const missed = Math.floor((now - due) / intervalMs) + 1
  return due + Math.max(1, missed) * intervalMs
}
