// The Explore page in Chromium against `vigil serve`: a small data set imported through the
// Prometheus API, then a query typed with completion, an error marked where it lies, the result
// drawn and listed, and a chart panel's link to its query.
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { keepScreenshot, launchBrowser, loggedInContext, watchConsole } from '../helpers/browser'
import { startVigil, type VigilProcess } from '../helpers/vigil-process'

const MINUTE = 60_000
let vigil: VigilProcess
let browser: Browser
let context: BrowserContext

/** Two series of one metric, a sample a minute over the last 30 minutes. */
function dataSet(now: number): string {
  const lines = ['# TYPE explore_demo gauge']
  for (let minute = 30; minute >= 0; minute--) {
    const t = now - minute * MINUTE
    lines.push(`explore_demo{job="api"} ${minute} ${t}`, `explore_demo{job="db"} ${100 + minute} ${t}`)
  }
  return `${lines.join('\n')}\n`
}

beforeAll(async () => {
  vigil = await startVigil()
  const imported = await fetch(`${vigil.url}/prometheus/api/v1/import/prometheus`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${vigil.token}`, 'Content-Type': 'text/plain' },
    body: dataSet(Date.now())
  })
  expect(await imported.json()).toMatchObject({ status: 'success', data: { series: 2, samples: 62 } })
  browser = await launchBrowser()
  context = await loggedInContext(browser, vigil.loginUrl)
})

afterAll(async () => {
  await browser?.close()
  await vigil?.stop()
})

/** Share of painted pixels in a chart's plot area (uPlot paints on a transparent canvas). */
function paintedShare(canvas: Locator): Promise<number> {
  return canvas.evaluate((element) => {
    const node = element as HTMLCanvasElement
    const over = node.parentElement?.querySelector('.u-over') as HTMLElement
    const ratio = node.width / node.clientWidth
    const pixels = (node.getContext('2d') as CanvasRenderingContext2D).getImageData(over.offsetLeft * ratio, over.offsetTop * ratio, over.offsetWidth * ratio, over.offsetHeight * ratio).data
    let painted = 0
    for (let i = 3; i < pixels.length; i += 4) if ((pixels[i] as number) > 0) painted++
    return painted / (pixels.length / 4)
  })
}

async function typeQuery(page: Page, query: string): Promise<void> {
  await page.locator('.cm-content').click()
  await page.keyboard.press('Control+A')
  await page.keyboard.press('Delete')
  await page.keyboard.type(query)
}

describe('Explore', () => {
  it('completes, marks an error where it lies, and draws and lists a query', async () => {
    const page = await context.newPage()
    const problems = watchConsole(page)
    await page.goto(vigil.url)
    await page.getByRole('link', { name: 'Explore' }).click()
    await page.getByRole('heading', { name: 'Explore' }).waitFor()

    // Metric names come from Vigil's API.
    await typeQuery(page, 'explore_d')
    await expect.poll(() => page.locator('.cm-tooltip-autocomplete').allInnerTexts(), { timeout: 10_000 }).toEqual([expect.stringContaining('explore_demo')])
    await page.keyboard.press('Escape')

    // A parse error: Prometheus' text under the editor, and the place marked in it.
    await typeQuery(page, 'sum(explore_demo')
    await page.keyboard.press('Escape')
    await page.keyboard.press('Enter')
    const alert = page.locator('.explore-error')
    await expect.poll(() => alert.innerText()).toMatch(/bad_data: .*1:17: parse error: unclosed left parenthesis/)
    expect(await page.locator('.cm-content .cm-lintRange-error').count()).toBeGreaterThan(0)

    // The range query over the data set: a graph, then the table of both series.
    await typeQuery(page, 'explore_demo')
    await page.keyboard.press('Escape')
    await page.getByRole('button', { name: 'Run' }).click()
    const canvas = page.locator('figure[data-panel="explore-graph"] canvas')
    await expect.poll(() => paintedShare(canvas), { timeout: 10_000 }).toBeGreaterThan(0.005)
    expect(await page.locator('.explore-error').count()).toBe(0)
    await keepScreenshot(page, 'explore-graph')
    await page.getByRole('tab', { name: 'Table' }).click()
    const rows = page.locator('.explore-table tbody tr')
    expect(await rows.locator('td:first-child').allInnerTexts()).toEqual(['explore_demo{job="api"}', 'explore_demo{job="db"}'])

    // An instant query lists the latest value of each.
    await page.getByLabel('Query').selectOption('instant')
    await page.getByRole('button', { name: 'Run' }).click()
    await expect.poll(() => rows.locator('td:nth-child(2)').allInnerTexts()).toEqual(['0', '100'])
    await keepScreenshot(page, 'explore-table')
    expect(problems).toEqual([])
    await page.close()
  })

  it('opens a server chart panel’s series in Explore', async () => {
    const page = await context.newPage()
    const problems = watchConsole(page)
    await page.goto(vigil.url)
    const servers = (await (await fetch(`${vigil.url}/api/servers/`, { headers: { Authorization: `Bearer ${vigil.token}` } })).json()) as { servers: Array<{ id: string }> }
    const serverId = servers.servers[0]?.id as string
    await page.goto(`${vigil.url}/#/servers/${serverId}`)
    await page.getByRole('link', { name: 'Open CPU in Explore' }).click()
    await page.getByRole('heading', { name: 'Explore' }).waitFor()
    const cpu = `{__name__=~"vigil_vmstat_us|vigil_vmstat_sy|vigil_vmstat_wa|vigil_vmstat_idle",server_id="${serverId}"}`
    expect(await page.locator('.cm-content').innerText()).toBe(cpu)

    // Another link while Explore is open loads its query; Back returns to the previous one.
    await page.evaluate(() => (window.location.hash = '#/explore?query=explore_demo&range=900'))
    await expect.poll(() => page.locator('.cm-content').innerText()).toBe('explore_demo')
    expect(await page.getByLabel('Last').inputValue()).toBe('900')
    await page.goBack()
    await expect.poll(() => page.locator('.cm-content').innerText()).toBe(cpu)
    expect(problems).toEqual([])
    await page.close()
  })

  it('says so in the page’s place when its code cannot be loaded, and Reload brings it back', async () => {
    // What a tab left open on an upgraded `vigil serve` meets: its page chunks are gone.
    const page = await context.newPage()
    await page.route(/\/assets\/ExploreView-[^/]*\.js$/, (route) => route.abort())
    await page.goto(`${vigil.url}/#/explore`)
    const alert = page.getByRole('alert').filter({ hasText: 'This page could not be shown' })
    await alert.waitFor()
    await expect.poll(() => page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Explore' }).count()).toBe(1)

    await page.unroute(/\/assets\/ExploreView-[^/]*\.js$/)
    await alert.getByRole('button', { name: 'Reload Vigil' }).click()
    await page.getByRole('heading', { name: 'Explore' }).waitFor()
    await page.close()
  })
})
