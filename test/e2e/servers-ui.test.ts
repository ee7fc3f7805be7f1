import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { keepScreenshot, launchBrowser, watchConsole } from '../helpers/browser'
import { startVigil, type VigilProcess } from '../helpers/vigil-process'

let vigil: VigilProcess
let browser: Browser

beforeAll(async () => {
  vigil = await startVigil()
  console.log(`vigil serve was listening ${vigil.startupMs.toFixed(0)} ms after spawn`)
  browser = await launchBrowser()
})
afterAll(async () => {
  await browser?.close()
  await vigil?.stop()
})

// Only loopback addresses: `vigil serve` really connects to every server registered here.
const row = (page: Page, hostname: string) => page.locator(`tr[data-hostname="${hostname}"]`)

async function apiCreate(hostname: string): Promise<void> {
  const response = await fetch(`${vigil.url}/api/servers/create/`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${vigil.token}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ hostname, ip_address: '127.0.0.50', ssh_username: 'ops', environment: 'staging' })
  })
  expect(response.status).toBe(201)
}

describe('servers in the browser UI', () => {
  it('logs in with the one-time URL, then adds, edits, bulk-updates and deletes servers', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } })
    const problems = watchConsole(page)
    await page.goto(vigil.loginUrl)
    await expect.poll(() => page.url()).toBe(`${vigil.url}/`)
    await page.getByRole('heading', { name: 'Overview' }).waitFor()
    await page.getByRole('link', { name: 'Servers', exact: true }).click()
    await page.getByRole('heading', { name: 'Servers' }).waitFor()
    // A first start registers this machine, collected by local exec.
    await page.getByText('This machine').waitFor()

    // Add, with a mistake the form catches first.
    await page.getByRole('button', { name: 'Add server' }).click()
    const dialog = page.getByRole('dialog', { name: 'Add server' })
    await dialog.locator('input[name="hostname"]').fill('web-e2e-01')
    await dialog.locator('input[name="ip_address"]').fill('127.0.0.300')
    await dialog.locator('input[name="ssh_username"]').fill('admin')
    await dialog.locator('input[name="ssh_password"]').fill('hunter2')
    await dialog.locator('input[name="environment"]').fill('production')
    await dialog.getByRole('button', { name: 'Add server' }).click()
    await dialog.getByText("Invalid value for 'ip_address': must be an IPv4 or IPv6 address").waitFor()
    await keepScreenshot(page, 'server-form')
    await dialog.locator('input[name="ip_address"]').fill('127.0.0.30')
    await dialog.getByRole('button', { name: 'Add server' }).click()
    await dialog.waitFor({ state: 'detached' })
    await row(page, 'web-e2e-01').waitFor()
    await page.getByRole('status').getByText('Added web-e2e-01').waitFor()

    // The core's verdict reaches the form too: a duplicate hostname.
    await page.getByRole('button', { name: 'Add server' }).click()
    const again = page.getByRole('dialog', { name: 'Add server' })
    await again.locator('input[name="hostname"]').fill('web-e2e-01')
    await again.locator('input[name="ip_address"]').fill('127.0.0.31')
    await again.locator('input[name="ssh_username"]').fill('admin')
    await again.getByRole('button', { name: 'Add server' }).click()
    await again.getByText("A server with hostname 'web-e2e-01' already exists").waitFor()
    await again.getByRole('button', { name: 'Cancel' }).click()

    // Edit.
    await page.getByRole('button', { name: 'Edit web-e2e-01' }).click()
    const edit = page.getByRole('dialog', { name: 'Edit web-e2e-01' })
    expect(await edit.locator('input[name="ssh_password"]').getAttribute('placeholder')).toMatch(/stored/)
    await edit.locator('input[name="alias"]').fill('Front web')
    await edit.getByRole('button', { name: 'Save' }).click()
    await edit.waitFor({ state: 'detached' })
    await row(page, 'web-e2e-01').getByText('Front web').waitFor()

    // A script adds a server: the open view shows it without a reload.
    await apiCreate('db-e2e-02')
    await row(page, 'db-e2e-02').waitFor()

    // Filter, then bulk status.
    await page.getByLabel('Environment filter').fill('staging')
    await expect.poll(() => page.locator('tbody tr[data-hostname]').count()).toBe(1)
    await page.getByLabel('Environment filter').fill('')
    await expect.poll(() => page.locator('tbody tr[data-hostname]').count()).toBe(3)
    await page.getByLabel('Select web-e2e-01').check()
    await page.getByLabel('Select db-e2e-02').check()
    await page.getByLabel('New status').selectOption('maintenance')
    await page.getByRole('button', { name: 'Apply' }).click()
    await page.getByText('Set 2 server(s) to maintenance').waitFor()
    await expect.poll(() => page.locator('.badge-maintenance').count()).toBe(2)
    await keepScreenshot(page, 'servers')

    // Delete, with a confirmation that names the server.
    await page.getByRole('button', { name: 'Delete db-e2e-02' }).click()
    const confirm = page.getByRole('dialog', { name: 'Delete db-e2e-02?' })
    await confirm.getByRole('button', { name: 'Delete' }).click()
    await row(page, 'db-e2e-02').waitFor({ state: 'detached' })
    await row(page, 'web-e2e-01').waitFor()

    expect(problems).toEqual([])
    await page.close()
  })

  it('asks a browser without a session to log in, takes the owner’s token, then lets it in', async () => {
    const context = await browser.newContext()
    const page = await context.newPage()
    await page.goto(vigil.url)
    // Username and password come first; the owner's token is the second way in.
    await page.getByRole('button', { name: 'Owner: paste the API token' }).click()
    await page.getByLabel('API token').fill('wrong')
    await page.getByRole('button', { name: 'Log in' }).click()
    await page.getByText('Invalid token.').waitFor()
    await keepScreenshot(page, 'login')
    await page.getByLabel('API token').fill(vigil.token)
    await page.getByRole('button', { name: 'Log in' }).click()
    await page.getByRole('heading', { name: 'Overview' }).waitFor()
    await page.getByRole('link', { name: 'Settings' }).click()
    await page.getByText(vigil.dataDir, { exact: true }).waitFor()

    // Users of the PostgreSQL agent API: add one (a short password is refused first), remove one.
    await page.getByLabel('New user name').fill('alice')
    await page.getByLabel('Password', { exact: true }).fill('short')
    await page.getByRole('button', { name: 'Add user' }).click()
    await page.getByRole('alert').getByText(/at least 8 characters/).waitFor()
    await page.getByLabel('Password', { exact: true }).fill('a long enough password')
    await page.getByRole('button', { name: 'Add user' }).click()
    await page.getByRole('status').getByText('Added alice.').waitFor()
    await page.getByRole('cell', { name: 'alice', exact: true }).waitFor()
    await keepScreenshot(page, 'settings')
    await page.getByRole('button', { name: 'Remove alice' }).click()
    await page.getByRole('dialog', { name: 'Remove alice?' }).getByRole('button', { name: 'Remove' }).click()
    await page.getByText('No users yet.').waitFor()
    await context.close()
  })

  it('refuses a used login link', async () => {
    const context = await browser.newContext()
    const page = await context.newPage()
    await page.goto(vigil.loginUrl)
    await page.getByText('That login link was already used or has expired.').waitFor()
    await context.close()
  })
})
