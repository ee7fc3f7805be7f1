// The Models and Activity pages in Chromium against `vigil serve` on a data dir with a server's
// hour of metrics: a model created in the editor, run, its rows previewed page by page and
// exported as CSV; a second model on it drawn in the dependency graph and built by a cascade;
// a failing one shown with its line and column. The Activity page lists those runs, filters by
// level, and takes new lines live. Screenshots in test-results/e2e/.
import { readFileSync } from 'node:fs'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { keepScreenshot, launchBrowser, loggedInContext, watchConsole } from '../helpers/browser'
import { seedHistory } from '../helpers/seed-history'
import { makeTempDir } from '../helpers/temp-dir'
import { startVigil, type VigilProcess } from '../helpers/vigil-process'

let vigil: VigilProcess
let browser: Browser
let context: BrowserContext

beforeAll(async () => {
  const temp = makeTempDir('vigil-e2e-models-')
  await seedHistory(temp.dir, { hostname: 'web-01', ip_address: '192.0.2.1', intervalSeconds: 10, spanMs: 3_600_000, end: Date.now() - 60_000 })
  ;[vigil, browser] = await Promise.all([startVigil([], { dataDir: temp.dir }), launchBrowser()])
  context = await loggedInContext(browser, vigil.loginUrl, { acceptDownloads: true })
})
afterAll(async () => {
  await context?.close()
  await browser?.close()
  await vigil?.stop()
})

const row = (page: Page, name: string) => page.locator(`tr[data-model="${name}"]`)

/** New model → name, materialization, SQL → Save; waits until the list has it. */
async function createModel(page: Page, name: string, materialization: 'view' | 'table', sql: string): Promise<void> {
  await page.getByRole('button', { name: 'New model' }).click()
  const editor = page.getByRole('form', { name: 'New model' })
  await editor.getByLabel('Name').fill(name)
  await editor.getByLabel('Materialization').selectOption(materialization)
  await editor.getByLabel('SQL').fill(sql)
  await editor.getByRole('button', { name: 'Save' }).click()
  await row(page, name).waitFor()
  await page.getByRole('form', { name: `Model ${name}` }).waitFor()
}

describe('the Models page', () => {
  it('creates a model, runs it, previews its rows page by page, exports them, and draws and cascades its dependants', async () => {
    const page = await context.newPage()
    const problems = watchConsole(page)
    await page.goto(vigil.url)
    await page.getByRole('link', { name: 'Models', exact: true }).click()
    await page.getByRole('heading', { name: 'Models', exact: true }).waitFor()
    await page.getByText('No model yet').waitFor()

    await createModel(page, 'cpu_samples', 'table', 'SELECT server, ts, us AS cpu_user\nFROM vigil.vmstat\nWHERE server = \'web-01\'\nORDER BY ts')
    await page.getByRole('form', { name: 'Model cpu_samples' }).getByRole('button', { name: 'Run' }).click()
    await row(page, 'cpu_samples').locator('td[data-status="success"]').waitFor()

    // An hour at 10 s: about 360 rows, 50 a page.
    const preview = page.getByRole('region', { name: 'Rows of cpu_samples' })
    await preview.getByText(/^1–50 of 3[5-6]\d rows$/).waitFor()
    expect(await preview.locator('thead th').allTextContents()).toEqual(['server', 'ts', 'cpu_user'])
    await preview.getByRole('button', { name: 'Next' }).click()
    await preview.getByText(/^51–100 of 3[5-6]\d rows$/).waitFor()

    const [download] = await Promise.all([page.waitForEvent('download'), preview.getByRole('button', { name: 'Export CSV' }).click()])
    expect(download.suggestedFilename()).toBe('cpu_samples.csv')
    const csv = readFileSync(await download.path(), 'utf8').split('\r\n').filter(Boolean)
    expect(csv[0]).toBe('server,ts,cpu_user')
    expect(csv.length).toBeGreaterThan(350)
    expect(csv[1]).toMatch(/^web-01,\d{4}-\d\d-\d\dT/)

    // A view on it: an arrow in the graph, and a cascade from the first builds both.
    await createModel(page, 'busy_minutes', 'view', "SELECT substr(ts, 1, 16) AS minute, max(cpu_user) AS peak\nFROM {{ ref('cpu_samples') }}\nGROUP BY minute")
    // (A level arrow is a line of no height, which Playwright calls hidden: attached is what counts.)
    await page.locator('path.model-link[data-from="cpu_samples"][data-to="busy_minutes"]').waitFor({ state: 'attached' })
    await page.locator('g.model-node[data-model="cpu_samples"]').click()
    await page.getByRole('form', { name: 'Model cpu_samples' }).getByRole('button', { name: 'Run' }).click()
    await row(page, 'busy_minutes').locator('td[data-status="success"]').waitFor()
    await page.locator('g.model-node[data-model="busy_minutes"]').click()
    await page.getByRole('region', { name: 'Rows of busy_minutes' }).getByText(/^1–50 of (5\d|6\d) rows$/).waitFor()

    // A mistake is shown where it is.
    await createModel(page, 'typo', 'table', 'SELECT server,\n       avg(us_typo)\nFROM vigil.vmstat')
    await page.getByRole('form', { name: 'Model typo' }).getByRole('button', { name: 'Run' }).click()
    await row(page, 'typo').locator('td[data-status="error"]').waitFor()
    await page.getByText('Last run failed: no such column: us_typo (line 2, column 12)').waitFor()
    await keepScreenshot(page, 'models')

    // A model that would never end is stopped at the time limit set in the editor.
    await page.getByRole('button', { name: 'New model' }).click()
    const editor = page.getByRole('form', { name: 'New model' })
    await editor.getByLabel('Name').fill('endless')
    await editor.getByLabel('Time limit (s)').fill('1')
    await editor.getByLabel('SQL').fill('WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r) SELECT count(*) AS n FROM r')
    await editor.getByRole('button', { name: 'Save' }).click()
    const endless = page.getByRole('form', { name: 'Model endless' })
    await endless.waitFor()
    expect(await endless.getByLabel('Time limit (s)').inputValue()).toBe('1')
    await endless.getByRole('button', { name: 'Run' }).click()
    await row(page, 'endless').locator('td[data-status="error"]').waitFor()
    await page.getByText("Last run failed: Stopped after 1 s: the model's time limit").waitFor()
    expect(problems).toEqual([])
    await page.close()
  })
})

describe('the Activity page', () => {
  it('lists the runs with their levels, filters by level, and takes new lines live', async () => {
    const page = await context.newPage()
    const problems = watchConsole(page)
    await page.goto(`${vigil.url}/#/activity`)
    await page.getByRole('heading', { name: 'Activity' }).waitFor()
    const log = page.getByRole('list', { name: 'Activity log' })
    await log.getByText(/Model cpu_samples built: \d+ rows in/).first().waitFor()
    await log.getByText(/Model typo failed: no such column: us_typo/).first().waitFor()
    await log.getByText(/Vigil .* started/).first().waitFor()

    // Only errors.
    for (const level of ['INFO', 'WARNING', 'SUCCESS']) await page.getByRole('group', { name: 'Filter' }).getByLabel(level).uncheck()
    await expect.poll(async () => new Set(await log.locator('li[data-level]').evaluateAll((items) => items.map((item) => item.getAttribute('data-level'))))).toEqual(new Set(['ERROR']))
    await page.getByRole('group', { name: 'Filter' }).getByLabel('SUCCESS').check()

    // A run started elsewhere (the API) arrives without a reload.
    const before = await log.getByText(/Model busy_minutes built/).count()
    const started = await fetch(`${vigil.url}/api/dbt/models/busy_minutes/run`, { method: 'POST', headers: { Authorization: `Bearer ${vigil.token}` } })
    expect(started.status).toBe(200)
    await expect.poll(() => log.getByText(/Model busy_minutes built/).count(), { timeout: 15_000 }).toBe(before + 1)
    await keepScreenshot(page, 'activity')
    expect(problems).toEqual([])
    await page.close()
  })
})
