// UI benchmark: the built renderer in Debian's Chromium against `vigil serve`.
//   1. Opening a server's detail with 24 h at 5 s (17,280 points per series): ms from the
//      route change to the last of its ten panels drawn with data (window.__vigilChartPerf).
//   2. Live updates with this machine collected every second: ms per update frame, from the
//      frame's first change to the redraws done (same counters), all panels open.
//   3. The overview with 200 servers (15 min of vmstat each): ms to the full table, and the
//      longest main-thread task while it follows the live feed.
//   4. The renderer's JS heap after each, after a forced GC (Chrome DevTools Protocol).
// Usage: npm run build && npx tsx bench/ui.ts [repeats=5]
import { cpus, hostname } from 'node:os'
import type { Page } from 'playwright-core'
import { createApp } from '../src/main/app'
import { resolveConfig } from '../src/main/config'
import { launchBrowser } from '../test/helpers/browser'
import { seedHistory } from '../test/helpers/seed-history'
import { makeTempDir } from '../test/helpers/temp-dir'
import { startVigil } from '../test/helpers/vigil-process'

const MINUTE = 60_000
const FLEET = 200

const percentile = (values: number[], p: number): number => {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN
}
const ms = (value: number): string => `${value.toFixed(1)} ms`

/** Adds FLEET - 1 servers with 15 minutes of vmstat each, so the overview has 200 rows with sparklines. */
async function seedFleet(dataDir: string, end: number): Promise<void> {
  const app = await createApp(resolveConfig({ dataDir, port: 0, version: 'bench', collect: false, monitorLocalhost: false }))
  try {
    for (let i = 1; i < FLEET; i++) {
      const server = app.servers.create({
        hostname: `fleet-${String(i).padStart(3, '0')}`,
        ip_address: `127.0.${Math.floor(i / 250) + 1}.${(i % 250) + 1}`,
        ssh_username: 'bench',
        ssh_password: 'unused',
        monitoring_enabled: false,
        environment: i % 3 === 0 ? 'production' : 'staging'
      })
      for (let t = end - 15 * MINUTE; t <= end; t += 5_000) {
        const us = 20 + ((i * 7 + t / 5_000) % 60)
        app.metricsWriter.add({
          metric: 'vmstat',
          serverId: server.id,
          ts: t,
          rows: [{ r: i % 5, b: 0, avm: 1e6, fre: 5e5 + i, pi: 0, po: 0, fr: 0, interface_in: 100, cs: 200, us, sy: 5, idle: 95 - us, wa: 0 }]
        })
      }
    }
    app.metricsWriter.flush()
  } finally {
    await app.close()
  }
}

async function heapMiB(page: Page): Promise<number> {
  const cdp = await page.context().newCDPSession(page)
  await cdp.send('HeapProfiler.collectGarbage')
  const { usedSize } = (await cdp.send('Runtime.getHeapUsage')) as { usedSize: number }
  await cdp.detach()
  return usedSize / 2 ** 20
}

async function main(): Promise<void> {
  const repeats = Number(process.argv[2] ?? 5)
  const now = Date.now()
  const dataDir = makeTempDir('vigil-bench-ui-').dir
  const seedStart = performance.now()
  const historyId = await seedHistory(dataDir, { hostname: 'history-01', ip_address: '127.0.0.9', intervalSeconds: 5, spanMs: 24 * 60 * MINUTE, end: now })
  await seedFleet(dataDir, now)
  console.log(`seeded 24 h at 5 s for one server and 15 min for ${FLEET - 1} more in ${Math.round(performance.now() - seedStart)} ms`)

  const vigil = await startVigil([], { dataDir })
  const api = async (method: string, path: string, body?: unknown): Promise<{ servers: Array<{ id: string; collector: string }> }> => {
    const response = await fetch(vigil.url + path, {
      method,
      headers: { Authorization: `Bearer ${vigil.token}`, ...(body ? { 'Content-Type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined
    })
    return response.json()
  }
  const browser = await launchBrowser()
  try {
    const page = await browser.newPage({ viewport: { width: 1600, height: 1200 } })
    await page.goto(vigil.loginUrl)
    await page.getByRole('heading', { name: 'Overview' }).waitFor()

    // 3. The overview with 200 servers.
    const overviewTimes: number[] = []
    for (let i = 0; i < repeats; i++) {
      await page.goto(`${vigil.url}/#/settings`)
      await page.getByRole('heading', { name: 'Settings' }).waitFor()
      const started = await page.evaluate(() => performance.now())
      await page.evaluate(() => (window.location.hash = '#/overview'))
      await page.waitForFunction((count) => document.querySelectorAll('tbody tr').length >= count, FLEET)
      overviewTimes.push((await page.evaluate(() => performance.now())) - started)
    }
    await page.evaluate(() => {
      const w = window as unknown as { __longest: number }
      w.__longest = 0
      new PerformanceObserver((list) => {
        for (const entry of list.getEntries()) w.__longest = Math.max(w.__longest, entry.duration)
      }).observe({ type: 'longtask' })
    })
    await page.waitForTimeout(15_000)
    const longestTask = await page.evaluate(() => (window as unknown as { __longest: number }).__longest)
    const overviewHeap = await heapMiB(page)

    // 1. Opening the 24 h detail (the range choice is kept between openings).
    await page.goto(`${vigil.url}/#/servers/${historyId}`)
    await page.getByRole('button', { name: '24 h' }).click()
    await page.waitForFunction(() => window.__vigilChartPerf?.firstDrawMs != null)
    const drawTimes: number[] = []
    const fetchTimes: number[] = []
    for (let i = 0; i < repeats; i++) {
      await page.evaluate(() => performance.clearResourceTimings())
      await page.evaluate(() => (window.location.hash = '#/overview'))
      await page.getByRole('heading', { name: 'Overview' }).waitFor()
      await page.evaluate((id) => (window.location.hash = `#/servers/${id}`), historyId)
      await page.waitForFunction(() => window.__vigilChartPerf?.firstDrawMs != null, undefined, { timeout: 30_000 })
      drawTimes.push(await page.evaluate(() => window.__vigilChartPerf?.firstDrawMs as number))
      // The slowest of the three series requests (sent in parallel): the network and server share.
      fetchTimes.push(
        await page.evaluate(() =>
          Math.max(...performance.getEntriesByType('resource').filter((entry) => entry.name.includes('/rpc/metrics.series')).map((entry) => entry.duration))
        )
      )
    }
    const detailHeap = await heapMiB(page)

    // 2. Live at 1 s: this machine, every panel open.
    const local = (await api('GET', `/api/servers/?search=${encodeURIComponent(hostname())}`)).servers.find((server) => server.collector === 'local')
    if (!local) throw new Error('this machine is not registered: is --monitor-localhost off?')
    await api('PUT', `/api/servers/${local.id}/`, { monitoring_interval: 1 })
    await page.evaluate((id) => (window.location.hash = `#/servers/${id}`), local.id)
    await page.getByRole('button', { name: 'Live' }).click()
    await page.evaluate(() => (window.__vigilChartPerf?.frames.splice(0), window.__vigilChartPerf?.paintedFrames.splice(0)))
    await page.waitForTimeout(40_000)
    const frames = await page.evaluate(() => [...(window.__vigilChartPerf?.frames ?? [])])
    const painted = await page.evaluate(() => [...(window.__vigilChartPerf?.paintedFrames ?? [])])
    const panels = await page.locator('figure[data-panel]').count()
    const liveHeap = await heapMiB(page)

    console.log(`\nmachine: ${cpus().length} × ${cpus()[0]?.model.trim()}, Node ${process.version}, Chromium headless`)
    console.log(`overview, ${FLEET} servers: table drawn p50 ${ms(percentile(overviewTimes, 50))}, max ${ms(Math.max(...overviewTimes))}; longest task in 15 s of live feed ${ms(longestTask)}; heap ${overviewHeap.toFixed(1)} MiB`)
    console.log(`detail, 24 h at 5 s (17,280 points × 21 series in 10 panels): first draw p50 ${ms(percentile(drawTimes, 50))}, max ${ms(Math.max(...drawTimes))} (${drawTimes.map((t) => t.toFixed(0)).join(', ')}), of which the series requests p50 ${ms(percentile(fetchTimes, 50))}; heap ${detailHeap.toFixed(1)} MiB`)
    console.log(
      `live at 1 s, ${panels} panels: ${frames.length} frames; script p50 ${ms(percentile(frames, 50))}, p95 ${ms(percentile(frames, 95))}, max ${ms(Math.max(...frames))}; ` +
        `with style/layout/paint p50 ${ms(percentile(painted, 50))}, p95 ${ms(percentile(painted, 95))}; heap ${liveHeap.toFixed(1)} MiB`
    )
  } finally {
    await browser.close()
    await vigil.stop()
  }
}

main().catch((error: unknown) => {
  console.error(error)
  process.exit(1)
})
