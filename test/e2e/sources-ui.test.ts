// The Sources page in Chromium against `vigil serve`: this machine (collected by local exec)
// is synced, Sync now runs a collection whose lines arrive live in the source's log, and a
// server nobody answers for shows failed with its reason. Screenshots in test-results/e2e/.
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { keepScreenshot, launchBrowser, watchConsole } from '../helpers/browser'
import { freePort } from '../helpers/sshd'
import { startVigil, type VigilProcess } from '../helpers/vigil-process'

let vigil: VigilProcess
let browser: Browser

beforeAll(async () => {
  ;[vigil, browser] = await Promise.all([startVigil(), launchBrowser()])
})
afterAll(async () => {
  await browser?.close()
  await vigil?.stop()
})

const row = (page: Page, name: string) => page.locator(`tr[data-source="${name}"]`)

describe('the Sources page', () => {
  it('shows every collector with its status, syncs one now with its log live, and shows a failing one with its reason', async () => {
    // A server on a port where nothing listens: its collector fails at once, for a clear reason.
    const port = await freePort()
    const created = await fetch(`${vigil.url}/api/servers/create/`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${vigil.token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ hostname: 'nobody-home', ip_address: '127.0.0.1', ssh_port: port, ssh_username: 'ops', ssh_password: 'x' })
    })
    expect(created.status).toBe(201)
    const sources = (await (await fetch(`${vigil.url}/api/sources`, { headers: { Authorization: `Bearer ${vigil.token}` } })).json()) as Array<{ name: string; type: string }>
    const local = sources.find((source) => source.type === 'local')?.name as string
    expect(local).toMatch(/^server:/)

    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } })
    const problems = watchConsole(page)
    await page.goto(vigil.loginUrl)
    await page.getByRole('heading', { name: 'Overview' }).waitFor()
    await page.getByRole('link', { name: 'Sources', exact: true }).click()
    await page.getByRole('heading', { name: 'Sources' }).waitFor()

    await row(page, local).locator('td[data-status="synced"]').waitFor()
    await row(page, local).getByRole('button', { name: `Logs of ${local}` }).click()
    const log = page.getByRole('region', { name: `Log of ${local}` })
    await log.waitFor()
    await row(page, local).getByRole('button', { name: `Sync ${local} now` }).click()
    await log.getByText(/Sync completed: \d+ rows in/).waitFor({ timeout: 30_000 })
    await row(page, local).locator('td[data-status="synced"]').waitFor()
    expect(Number((await row(page, local).locator('td.num').textContent())?.replace(/\D/g, ''))).toBeGreaterThan(0)

    const failing = row(page, 'server:nobody-home')
    await failing.locator('td[data-status="failed"]').waitFor({ timeout: 30_000 })
    await expect.poll(async () => failing.locator('td.collection-error').textContent()).toMatch(/127\.0\.0\.1/)
    await failing.getByRole('button', { name: 'Logs of server:nobody-home' }).click()
    await page.getByRole('region', { name: 'Log of server:nobody-home' }).getByText(/ERROR Failing: unreachable/).waitFor()
    await keepScreenshot(page, 'sources')
    expect(problems).toEqual([])
    await page.close()
  })
})
