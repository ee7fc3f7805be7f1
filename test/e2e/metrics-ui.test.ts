// The live metrics UI in Chromium against `vigil serve`: this machine collected for real by
// local exec, and a second server with 24 h of seeded history that has a 10-minute hole.
import { readFileSync } from 'node:fs'
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { keepScreenshot, launchBrowser, loggedInContext, watchConsole } from '../helpers/browser'
import { seedHistory } from '../helpers/seed-history'
import { makeTempDir } from '../helpers/temp-dir'
import { startVigil, type VigilProcess } from '../helpers/vigil-process'

const MINUTE = 60_000
let vigil: VigilProcess
let browser: Browser
/** Logged in once: the login link is single-use, the session cookie serves every page. */
let context: BrowserContext
let historyId: string
let localId: string
const seededAt = Date.now()
const GAP: [number, number] = [seededAt - 40 * MINUTE, seededAt - 30 * MINUTE]

beforeAll(async () => {
  const dataDir = makeTempDir('vigil-e2e-metrics-').dir
  historyId = await seedHistory(dataDir, { hostname: 'history-01', ip_address: '127.0.0.9', intervalSeconds: 5, spanMs: 24 * 60 * MINUTE, end: seededAt, gaps: [GAP] })
  vigil = await startVigil(['--top-processes', '15'], { dataDir })
  browser = await launchBrowser()
  context = await loggedInContext(browser, vigil.loginUrl, { acceptDownloads: true })
  const response = await fetch(`${vigil.url}/api/servers/`, { headers: { Authorization: `Bearer ${vigil.token}` } })
  const { servers } = (await response.json()) as { servers: Array<{ id: string; hostname: string; collector: string }> }
  localId = servers.find((server) => server.collector === 'local')?.id as string
})

afterAll(async () => {
  await browser?.close()
  await vigil?.stop()
})

async function loggedIn(): Promise<{ page: Page; problems: string[] }> {
  const page = await context.newPage()
  const problems = watchConsole(page)
  await page.goto(vigil.url)
  await page.getByRole('heading', { name: 'Overview' }).waitFor()
  return { page, problems }
}

/** Share of painted pixels in a chart canvas (uPlot paints on a transparent canvas). */
function paintedShare(canvas: Locator, columnAt?: number): Promise<number> {
  return canvas.evaluate((element, fraction) => {
    const node = element as HTMLCanvasElement
    const ctx = node.getContext('2d') as CanvasRenderingContext2D
    const over = node.parentElement?.querySelector('.u-over') as HTMLElement
    const ratio = node.width / node.clientWidth
    const plot = { left: over.offsetLeft * ratio, top: over.offsetTop * ratio, width: over.offsetWidth * ratio, height: over.offsetHeight * ratio }
    const x = fraction === undefined ? plot.left : Math.round(plot.left + fraction * plot.width)
    const width = fraction === undefined ? plot.width : 1
    const pixels = ctx.getImageData(x, plot.top, width, plot.height).data
    let painted = 0
    for (let i = 3; i < pixels.length; i += 4) if ((pixels[i] as number) > 0) painted++
    return painted / (pixels.length / 4)
  }, columnAt)
}

const legendText = (page: Page, panel: string): Promise<string> => page.locator(`figure[data-panel="${panel}"] .u-legend`).innerText()

describe('metrics in the browser UI', () => {
  it('shows the fleet with live values and what needs attention', async () => {
    const { page, problems } = await loggedIn()
    const local = page.locator(`tr:has(a[href="#/servers/${localId}"])`)
    const history = page.locator('tr[data-hostname="history-01"]')
    await history.waitFor()
    expect(await history.getAttribute('data-attention')).toBe('off')
    // This machine's values arrive live: a CPU figure appears, then the last-seen time moves on.
    const cpu = local.locator('.spark-value[data-field="cpu"]')
    await expect.poll(() => cpu.innerText(), { timeout: 30_000 }).toMatch(/%$/)
    const lastSeen = local.locator('td').nth(2)
    const before = await lastSeen.innerText()
    await expect.poll(() => lastSeen.innerText(), { timeout: 30_000 }).not.toBe(before)
    expect(await local.getAttribute('data-attention')).toMatch(/^(ok|warn)$/)

    // Filters narrow the list.
    await page.getByLabel('State').selectOption('off')
    await expect.poll(() => page.locator('tbody tr').count()).toBe(1)
    await page.getByLabel('State').selectOption('')
    await page.getByRole('searchbox').fill('history')
    await expect.poll(() => page.locator('tbody tr').count()).toBe(1)
    await page.getByRole('searchbox').fill('')
    await keepScreenshot(page, 'overview')
    expect(problems).toEqual([])
    await page.close()
  })

  it('draws this machine live: charts paint and legends follow the samples', async () => {
    const { page, problems } = await loggedIn()
    await page.locator(`a[href="#/servers/${localId}"]`).first().click()
    await page.getByRole('button', { name: 'Live' }).waitFor()
    expect(await page.getByRole('button', { name: 'Live' }).getAttribute('aria-pressed')).toBe('true')
    const cpuCanvas = page.locator('figure[data-panel="cpu"] canvas')
    await expect.poll(() => paintedShare(cpuCanvas), { timeout: 30_000 }).toBeGreaterThan(0.05)
    const first = await legendText(page, 'switches')
    await expect.poll(() => legendText(page, 'switches'), { timeout: 30_000 }).not.toBe(first)
    for (const panel of ['runq', 'memory', 'paging', 'disk-throughput', 'net-packets']) {
      expect(await page.locator(`figure[data-panel="${panel}"]`).count()).toBe(1)
    }
    await keepScreenshot(page, 'server-detail-live')

    // Keyboard: the tabs answer arrow keys.
    await page.getByRole('tab', { name: 'Charts' }).focus()
    await page.keyboard.press('ArrowRight')
    await expect.poll(() => page.getByRole('tab', { name: 'Processes' }).getAttribute('aria-selected')).toBe('true')

    // Processes: the latest top list, sortable; ticking one charts its history.
    const rows = page.locator('.process-table tbody tr')
    await expect.poll(() => rows.count(), { timeout: 30_000 }).toBeGreaterThan(0)
    await page.getByRole('button', { name: /^PID/ }).click()
    const pids = await rows.locator('td:nth-child(2)').allInnerTexts()
    expect(pids.map(Number)).toEqual([...pids.map(Number)].sort((a, b) => b - a))
    await rows.first().getByRole('checkbox').check()
    await page.locator('figure[data-panel="process-cpu"]').waitFor()
    await keepScreenshot(page, 'server-processes')

    // Connection: a real test of this machine.
    await page.getByRole('tab', { name: 'Connection' }).click()
    await page.getByRole('button', { name: 'Test connection' }).click()
    await page.getByText('Connection test successful.').waitFor()
    expect(problems).toEqual([])
    await page.close()
  })

  it('loads history by range, shows the hole as a hole, and exports', async () => {
    const { page, problems } = await loggedIn()
    await page.goto(`${vigil.url}/#/servers/${historyId}`)
    await page.getByRole('heading', { name: 'history-01' }).waitFor()

    await page.getByRole('button', { name: '1 h' }).click()
    const cpu = page.locator('figure[data-panel="cpu"]')
    await expect.poll(() => cpu.getAttribute('data-gaps')).toBe('1')
    const canvas = cpu.locator('canvas')
    await expect.poll(() => paintedShare(canvas)).toBeGreaterThan(0.5)
    // The stacked CPU areas fill the plot wherever there are samples, and nothing in the hole.
    const end = Date.now()
    const at = (t: number): number => (t - (end - 60 * MINUTE)) / (60 * MINUTE)
    expect(await paintedShare(canvas, at((GAP[0] + GAP[1]) / 2))).toBeLessThan(0.2)
    expect(await paintedShare(canvas, at(GAP[0] - 5 * MINUTE))).toBeGreaterThan(0.8)
    expect(await paintedShare(canvas, at(GAP[1] + 5 * MINUTE))).toBeGreaterThan(0.8)
    await keepScreenshot(page, 'server-detail-gap')

    await page.getByRole('button', { name: '24 h' }).click()
    await expect.poll(() => page.getByRole('button', { name: '24 h' }).getAttribute('aria-pressed')).toBe('true')
    await expect.poll(() => cpu.getAttribute('data-gaps')).toBe('1')
    await page.getByRole('button', { name: '7 d' }).click()
    await page.getByText('Showing one-minute averages for this range.').waitFor()
    await page.getByRole('button', { name: '24 h' }).click()
    await expect.poll(() => page.getByText('Showing one-minute averages for this range.').count()).toBe(0)
    await keepScreenshot(page, 'server-detail-24h')

    const csv = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export CPU as CSV' }).click()])
    const csvText = readFileSync(await csv[0].path(), 'utf8')
    expect(csvText.split('\n')[0]).toBe('time,user,system,I/O wait,idle')
    expect(csvText.split('\n').length).toBeGreaterThan(17_000)
    const png = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export Memory as PNG' }).click()])
    expect(readFileSync(await png[0].path()).subarray(1, 4).toString()).toBe('PNG')
    expect(png[0].suggestedFilename()).toBe('history-01-Memory.png')

    // Dark theme: the charts repaint with it.
    await page.getByRole('link', { name: 'Settings' }).click()
    await page.getByLabel('Theme').selectOption('dark')
    await page.goBack()
    await page.getByRole('heading', { name: 'history-01' }).waitFor()
    await expect.poll(() => paintedShare(page.locator('figure[data-panel="cpu"] canvas'))).toBeGreaterThan(0.5)
    await keepScreenshot(page, 'server-detail-dark')
    expect(problems).toEqual([])
    await page.close()
  })
})
