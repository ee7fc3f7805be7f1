// The scrape scheduler with a clock of the test's own: each target fires at a fixed offset
// within its interval (spread, the same after a restart), a scrape that overruns its interval
// is never overlapped (the ticks it missed are skipped), and a removed target stops.
import { randomBytes, randomUUID } from 'node:crypto'
import { afterEach, describe, expect, it } from 'vitest'
import { openDb, type Db } from '../../src/main/base/db/db'
import { SeriesStore } from '../../src/main/base/series/series-store'
import { SecretBox } from '../../src/main/base/security/secrets'
import { ScrapeManager, type ScrapeTimers } from '../../src/main/prometheus'
import { createJobsRepo } from '../../src/main/prometheus/scrape/jobs-repo'
import type { ScrapedBody } from '../../src/main/prometheus/scrape/http-scrape'
import type { TargetConfig } from '../../src/main/prometheus/scrape/target-scrape'

/** A clock that moves only when the test says, firing due timers in order. */
class ManualTimers implements ScrapeTimers {
  private time = 1_767_225_600_000
  private timers: Array<{ at: number; fn: () => void; id: number }> = []
  private nextId = 0

  now = (): number => this.time

  after(ms: number, fn: () => void): () => void {
    const id = this.nextId++
    this.timers.push({ at: this.time + ms, fn, id })
    return () => {
      this.timers = this.timers.filter((timer) => timer.id !== id)
    }
  }

  /** Moves to `to`, firing every timer due on the way (and letting promises settle after each). */
  async advanceTo(to: number): Promise<void> {
    await settle()
    for (;;) {
      this.timers.sort((a, b) => a.at - b.at)
      const next = this.timers[0]
      if (!next || next.at > to) break
      this.timers.shift()
      this.time = next.at
      next.fn()
      await settle()
    }
    this.time = to
    await settle()
  }
}

/** Lets every promise chain that can move on do so (one turn of the event loop; no time passes on the test clock). */
const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve))

let db: Db
let store: SeriesStore

afterEach(() => {
  store?.close()
  db?.close()
})

const secrets = new SecretBox(randomBytes(32))

function setUp(targets: number, intervalMs = 15_000) {
  db = openDb(':memory:')
  const repo = createJobsRepo(db)
  const timers = new ManualTimers()
  store = new SeriesStore(db, { logDir: null, now: timers.now })
  db.prepare(`INSERT INTO servers (id, hostname, ip_address, ssh_username, created_at, updated_at) VALUES ('s1', 'host', '192.0.2.1', 'u', 0, 0)`).run()
  repo.insertJob({
    id: 'j1',
    job_name: 'node',
    metrics_path: '/metrics',
    description: null,
    scrape_interval_ms: intervalMs,
    scrape_timeout_ms: 10_000,
    honor_labels: 0,
    sample_limit: 1000,
    body_size_limit: 1 << 20,
    reserved_job_cd: null,
    bearer_sealed: null,
    lst_modifier: null,
    lst_mod_at: 0,
    created_at: 0
  })
  for (let i = 0; i < targets; i++) repo.insertTarget({ id: randomUUID(), job_id: 'j1', host_id: 's1', port: 9100 + i, lst_modifier: null, lst_mod_at: 0, created_at: i })
  return { repo, timers }
}

describe('the scrape scheduler', () => {
  it('scrapes each target once per interval at its own offset, spread over the interval and kept across restarts', async () => {
    const { repo, timers } = setUp(20)
    const starts = new Map<string, number[]>()
    const fetch = async (config: TargetConfig): Promise<ScrapedBody> => {
      starts.set(config.targetId, [...(starts.get(config.targetId) ?? []), timers.now()])
      return { text: 'm 1\n', format: 'prometheus', bytes: 4 }
    }
    const manager = new ScrapeManager({ repo, secrets, store, userAgent: 'test', fetch, timers })
    const t0 = timers.now()
    manager.start()
    await timers.advanceTo(t0 + 60_000)
    const offsets = [...starts.values()].map((times) => {
      expect(times.length).toBeGreaterThanOrEqual(3)
      expect(times.slice(1).map((t, i) => t - (times[i] as number))).toEqual(times.slice(1).map(() => 15_000))
      return (times[0] as number) % 15_000
    })
    expect(starts.size).toBe(20)
    // Spread: not all in the same second.
    expect(new Set(offsets.map((o) => Math.floor(o / 1000))).size).toBeGreaterThan(5)
    await manager.stop()
    // A new manager (a restart) keeps each target's phase.
    const again = new Map<string, number>()
    const restarted = new ScrapeManager({ repo, secrets, store, userAgent: 'test', fetch: async (config) => (again.set(config.targetId, timers.now() % 15_000), { text: '', format: 'prometheus', bytes: 0 }), timers })
    restarted.start()
    await timers.advanceTo(timers.now() + 15_000)
    for (const [id, times] of starts) expect(again.get(id)).toBe((times[0] as number) % 15_000)
    await restarted.stop()
  })

  it('never overlaps a scrape that overruns its interval, skipping the ticks it missed', async () => {
    const { repo, timers } = setUp(1, 1000)
    let inFlight = 0
    let most = 0
    const releases: Array<() => void> = []
    const fetch = (): Promise<ScrapedBody> => {
      inFlight++
      most = Math.max(most, inFlight)
      return new Promise((resolve) =>
        releases.push(() => {
          inFlight--
          resolve({ text: 'm 1\n', format: 'prometheus', bytes: 4 })
        })
      )
    }
    const manager = new ScrapeManager({ repo, secrets, store, userAgent: 'test', fetch, timers })
    manager.start()
    const t0 = timers.now()
    await timers.advanceTo(t0 + 3500)
    expect(releases.length).toBe(1)
    releases.shift()?.()
    await timers.advanceTo(t0 + 5000)
    expect(releases.length).toBe(1)
    expect(most).toBe(1)
    // scrapeNow waits for the scrape in flight, then scrapes.
    const now = manager.scrapeNow(repo.allTargets()[0]?.id ?? '')
    await settle()
    expect(inFlight).toBe(1)
    releases.shift()?.()
    await settle()
    releases.shift()?.()
    expect((await now)?.up).toBe(true)
    expect(most).toBe(1)
    await manager.stop()
  })

  it('stops scraping a removed target and ends its series', async () => {
    const { repo, timers } = setUp(1)
    let scrapes = 0
    const manager = new ScrapeManager({ repo, secrets, store, userAgent: 'test', fetch: async () => (scrapes++, { text: 'm 1\n', format: 'prometheus', bytes: 4 }), timers })
    manager.start()
    await timers.advanceTo(timers.now() + 15_000)
    expect(scrapes).toBe(1)
    const id = repo.allTargets()[0]?.id ?? ''
    expect(repo.target(id)).toMatchObject({ result_cd: 0, mntrn_stat_cd: 'UP', last_samples: 1 })
    repo.deleteTarget(id)
    manager.sync()
    await timers.advanceTo(timers.now() + 60_000)
    expect(scrapes).toBe(1)
    expect(manager.targets()).toEqual([])
    await manager.stop()
  })
})
