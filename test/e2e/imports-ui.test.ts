// The Imports page in Chromium against `vigil serve`: an import source created in its dialog, a
// file of several chunks uploaded with the progress bar and imported, a malformed one shown with
// its bad rows by line number, a file and then the source deleted. Screenshot in test-results/e2e/.
import type { Browser, BrowserContext } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { keepScreenshot, launchBrowser, loggedInContext, watchConsole } from '../helpers/browser'
import { startVigil, type VigilProcess } from '../helpers/vigil-process'

let vigil: VigilProcess
let browser: Browser
let context: BrowserContext

beforeAll(async () => {
  ;[vigil, browser] = await Promise.all([startVigil(), launchBrowser()])
  context = await loggedInContext(browser, vigil.loginUrl)
})

afterAll(async () => {
  await browser?.close()
  await vigil?.stop()
})

/** A metrics CSV of `rows` rows a minute apart, ending now: well over one 512 KiB chunk at 40,000 rows. */
function metricsCsv(rows: number): string {
  const start = Date.now() - rows * 60_000
  const lines = ['time,host,cpu']
  for (let i = 0; i < rows; i++) lines.push(`${new Date(start + i * 60_000).toISOString()},web${i % 3},${(i % 100) + 0.5}`)
  return lines.join('\n') + '\n'
}

describe('the Imports page', () => {
  it('creates a source, uploads with progress, shows results and bad rows, deletes', async () => {
    const page = await context.newPage()
    const problems = watchConsole(page)
    const chunks: string[] = []
    page.on('request', (request) => {
      if (request.url().endsWith('/rpc/imports.uploadChunk')) chunks.push(request.url())
    })
    await page.goto(vigil.url)
    await page.getByRole('link', { name: 'Imports', exact: true }).click()
    await page.getByRole('heading', { name: 'Imports' }).waitFor()

    await page.getByRole('button', { name: 'New import source' }).click()
    const dialog = page.getByRole('dialog', { name: 'New import source' })
    await dialog.getByLabel('Name', { exact: true }).fill('web_cpu')
    await dialog.getByLabel('Timestamp column').fill('time')
    await dialog.getByLabel('Label columns').fill('host')
    await dialog.getByLabel('Metric name prefix').fill('web_')
    await dialog.getByRole('button', { name: 'Create' }).click()
    const row = page.locator('tr[data-import="web_cpu"]')
    await row.locator('td[data-status="not_synced"]').waitFor()

    const files = page.getByRole('region', { name: 'Files of web_cpu' })
    await files.waitFor()
    await files.getByLabel('File to upload').setInputFiles({ name: 'cpu.csv', mimeType: 'text/csv', buffer: Buffer.from(metricsCsv(40_000)) })
    await files.getByRole('button', { name: 'Upload', exact: true }).click()
    const uploaded = files.locator('tr[data-file="cpu.csv"]')
    await uploaded.locator('td[data-status="success"]').waitFor({ timeout: 30_000 })
    expect(chunks.length).toBeGreaterThanOrEqual(3)
    await expect.poll(async () => (await uploaded.locator('td.num').nth(1).textContent())?.replace(/\D/g, '')).toBe('40000')
    await row.locator('td[data-status="synced"]').waitFor()

    await files.getByLabel('File to upload').setInputFiles({ name: 'broken.csv', mimeType: 'text/csv', buffer: Buffer.from('time,host,cpu\n2024-01-01T00:00:00Z,web1,1\n2024-01-01T00:01:00Z,web1,lots\n') })
    await files.getByRole('button', { name: 'Upload', exact: true }).click()
    const broken = files.locator('tr[data-file="broken.csv"]')
    await broken.locator('td[data-status="failed"]').waitFor({ timeout: 30_000 })
    await broken.getByText('line 3: web_cpu: "lots" is not a number').waitFor()
    await row.locator('td[data-status="failed"]').waitFor()
    await keepScreenshot(page, 'imports')

    await broken.getByRole('button', { name: 'Delete broken.csv' }).click()
    await broken.waitFor({ state: 'detached' })
    await row.locator('td[data-status="synced"]').waitFor()

    await row.getByRole('button', { name: 'Delete web_cpu' }).click()
    await page.getByRole('dialog', { name: 'Delete import source web_cpu' }).getByRole('button', { name: 'Delete' }).click()
    await row.waitFor({ state: 'detached' })
    expect(problems).toEqual([])
    await page.close()
  })
})
