// The Targets page in Chromium against `vigil serve`: a workspace added in its dialog, a
// target on a registered server (127.0.0.1) whose test exporter Vigil scrapes on the "Scrape
// now" button, its health shown (up, samples; then down with the reason once the exporter
// dies), and the link that opens the target's series in Explore.
import type { Browser, BrowserContext } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { keepScreenshot, launchBrowser, loggedInContext, watchConsole } from '../helpers/browser'
import { startTestExporter, type TestExporter } from '../helpers/test-exporter'
import { startVigil, type VigilProcess } from '../helpers/vigil-process'

let vigil: VigilProcess
let exporter: TestExporter
let browser: Browser
let context: BrowserContext

beforeAll(async () => {
  ;[vigil, exporter] = await Promise.all([startVigil(), startTestExporter()])
  exporter.serve('# TYPE e2e_temperature gauge\ne2e_temperature{room="lab"} 21.5\ne2e_requests_total 42\n')
  const created = await fetch(`${vigil.url}/api/servers/create/`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${vigil.token}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ hostname: 'exporter-box', ip_address: '127.0.0.1', ssh_username: 'ops', monitoring_enabled: false })
  })
  expect(created.status).toBeLessThan(300)
  browser = await launchBrowser()
  context = await loggedInContext(browser, vigil.loginUrl)
})

afterAll(async () => {
  await browser?.close()
  await Promise.all([vigil?.stop(), exporter?.close()])
})

describe('the Targets page', () => {
  it('adds a workspace and a target, scrapes it, shows its health and links to Explore', async () => {
    const page = await context.newPage()
    const problems = watchConsole(page)
    await page.goto(vigil.url)
    await page.getByRole('link', { name: 'Targets' }).click()
    await page.getByRole('heading', { name: 'Scrape targets' }).waitFor()
    await expect.poll(() => page.getByTestId('reserved-workspace').innerText()).toContain('vigil: The series Vigil collects itself')

    await page.getByRole('button', { name: 'Add workspace' }).click()
    const dialog = page.getByRole('dialog', { name: 'Add workspace' })
    await dialog.getByLabel('Name (job label)').fill('lab')
    await dialog.getByLabel('Description').fill('the lab exporter')
    await dialog.getByRole('button', { name: 'Add workspace' }).click()
    await dialog.waitFor({ state: 'detached' })
    const workspace = page.getByRole('region', { name: /^lab/ })
    await workspace.getByRole('heading', { name: /lab/ }).waitFor()

    await workspace.getByLabel('Server').selectOption({ label: 'exporter-box (127.0.0.1)' })
    await workspace.getByLabel('Port').fill(String(exporter.port))
    await workspace.getByRole('button', { name: 'Add target' }).click()
    const row = workspace.getByRole('row', { name: /exporter-box/ })
    await row.waitFor()
    await expect.poll(() => row.innerText()).toContain(`http://127.0.0.1:${exporter.port}/metrics`)

    await row.getByRole('button', { name: 'Scrape now' }).click()
    await expect.poll(() => row.locator('.badge').innerText(), { timeout: 10_000 }).toBe('up')
    const cells = await row.locator('td').allInnerTexts()
    expect(cells[4]).toBe('2')
    await keepScreenshot(page, 'targets-up')

    await exporter.kill()
    await row.getByRole('button', { name: 'Scrape now' }).click()
    await expect.poll(() => row.locator('.badge').innerText(), { timeout: 10_000 }).toBe('down')
    await expect.poll(() => row.locator('.target-error').innerText()).toMatch(/connection refused \(ECONNREFUSED\)/)
    await keepScreenshot(page, 'targets-down')
    await exporter.revive()

    await row.getByRole('link', { name: 'Explore' }).click()
    await page.getByRole('heading', { name: 'Explore' }).waitFor()
    await expect.poll(() => page.locator('.cm-content').innerText()).toBe(`{job="lab",instance="127.0.0.1:${exporter.port}"}`)
    expect(problems).toEqual([])
    await page.close()
  })
})
