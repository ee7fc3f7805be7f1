// Issue 18 item 3 in Chromium against `vigil serve`: users log in with their username and
// password, and the UI hides what they may not do — a read-only user sees no edit buttons, and
// the API refuses those writes anyway (403), whatever the UI shows.
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { keepScreenshot, launchBrowser, watchConsole } from '../helpers/browser'
import { startVigil, type VigilProcess } from '../helpers/vigil-process'

const PASSWORD = 'a long enough password'

let vigil: VigilProcess
let browser: Browser
let serverId: string

/** The owner's API call (the owner's token as Bearer). */
async function asOwner(method: string, path: string, body: unknown): Promise<Response> {
  return fetch(`${vigil.url}${path}`, {
    method,
    headers: { Authorization: `Bearer ${vigil.token}`, 'Content-Type': 'application/json' },
    body: JSON.stringify(body)
  })
}

async function addUser(username: string, permissions: string[]): Promise<void> {
  const response = await asOwner('POST', '/api/v1/users/', { username, password: PASSWORD, permissions })
  expect(response.status, await response.clone().text()).toBe(201)
}

/** A fresh browser context logged in through the login page with username and password. */
async function logIn(username: string): Promise<{ context: BrowserContext; page: Page; problems: string[] }> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } })
  const page = await context.newPage()
  const problems = watchConsole(page)
  await page.goto(vigil.url)
  await page.getByLabel('Username').fill(username)
  await page.getByLabel('Password').fill(PASSWORD)
  await page.getByRole('button', { name: 'Log in', exact: true }).click()
  await page.getByLabel('Logged in as').getByText(username, { exact: true }).waitFor()
  return { context, page, problems }
}

async function openServers(page: Page): Promise<void> {
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Servers', exact: true }).click()
  await page.getByRole('heading', { name: 'Servers' }).waitFor()
  await page.locator('tr[data-hostname="perm-e2e-01"]').waitFor()
}

beforeAll(async () => {
  vigil = await startVigil()
  browser = await launchBrowser()
  const created = await asOwner('POST', '/api/servers/create/', { hostname: 'perm-e2e-01', ip_address: '127.0.0.60', ssh_username: 'ops', environment: 'staging' })
  expect(created.status).toBe(201)
  serverId = ((await created.json()) as { server: { id: string } }).server.id
  await addUser('viewer', ['servers:read', 'metrics:read'])
  await addUser('editor', ['servers', 'metrics:read'])
  await addUser('dba', ['postgres', 'oracle'])
  await addUser('observer', ['servers:read'])
})
afterAll(async () => {
  await browser?.close()
  await vigil?.stop()
})

describe('permissions in the browser UI', () => {
  it('shows a wrong password on the login page', async () => {
    const context = await browser.newContext()
    const page = await context.newPage()
    await page.goto(vigil.url)
    await page.getByLabel('Username').fill('viewer')
    await page.getByLabel('Password').fill('not the password')
    await page.getByRole('button', { name: 'Log in', exact: true }).click()
    await page.getByRole('alert').getByText('Invalid username or password.').waitFor()
    await keepScreenshot(page, 'login-password')
    await context.close()
  })

  it('says how long to wait once the address has spent its login attempts', async () => {
    // A Vigil of its own, allowing 2 attempts: the other tests' logins keep theirs.
    const limited = await startVigil([], { env: { VIGIL_RATE_LIMIT_AUTH: '2/900' } })
    try {
      const context = await browser.newContext()
      const page = await context.newPage()
      await page.goto(limited.url)
      await page.getByLabel('Username').fill('nobody')
      await page.getByLabel('Password').fill('not the password')
      /** One attempt, to its answer's status. */
      const attempt = async (): Promise<number> => {
        const [answer] = await Promise.all([
          page.waitForResponse((response) => response.url() === `${limited.url}/auth/login` && response.request().method() === 'POST'),
          page.getByRole('button', { name: 'Log in', exact: true }).click()
        ])
        return answer.status()
      }
      expect([await attempt(), await attempt()]).toEqual([401, 401])
      expect(await attempt()).toBe(429)
      await page.getByRole('alert').getByText(/^Too many login attempts from this address; try again in \d+ seconds\.$/).waitFor()
      await context.close()
    } finally {
      await limited.stop()
    }
  })

  it('hides every write from a read-only user, and the API refuses them anyway', async () => {
    const { context, page, problems } = await logIn('viewer')
    const nav = page.getByRole('navigation', { name: 'Main' })
    // Only the areas the user may read: servers and metrics (Overview), and Settings.
    expect(await nav.getByRole('link').allInnerTexts()).toEqual(['Overview', 'Servers', 'Settings'])

    await openServers(page)
    const row = page.locator('tr[data-hostname="perm-e2e-01"]')
    await expect.poll(() => row.getByRole('button').count()).toBe(0)
    expect(await page.getByRole('button', { name: 'Add server' }).count()).toBe(0)
    expect(await page.getByRole('checkbox').count()).toBe(0)
    await keepScreenshot(page, 'permissions-read-only')

    // A page of an area the user may not read says so instead of breaking.
    await page.goto(`${vigil.url}/#/oracle`)
    await page.getByText('You do not have access to this page.').waitFor()
    // Settings without the Users and Remote write sections.
    await nav.getByRole('link', { name: 'Settings' }).click()
    await page.getByRole('heading', { name: 'Settings' }).waitFor()
    expect(await page.getByRole('heading', { name: 'Remote write' }).count()).toBe(0)

    // The API refuses the writes the UI hides, with the browser's own session.
    const cookie = (await context.cookies(vigil.url)).map(({ name, value }) => `${name}=${value}`).join('; ')
    const rpc = await fetch(`${vigil.url}/rpc/servers.delete`, { method: 'POST', headers: { Cookie: cookie, 'Content-Type': 'application/json' }, body: JSON.stringify({ id: serverId }) })
    expect(rpc.status).toBe(403)
    expect(await rpc.json()).toMatchObject({ ok: false, error: { code: 'forbidden' } })
    const rest = await fetch(`${vigil.url}/api/servers/${serverId}/`, { method: 'DELETE', headers: { Cookie: cookie } })
    expect(rest.status).toBe(403)
    // … while reading is allowed, and the server is still there.
    const read = await fetch(`${vigil.url}/rpc/servers.get`, { method: 'POST', headers: { Cookie: cookie, 'Content-Type': 'application/json' }, body: JSON.stringify({ id: serverId }) })
    expect(read.status).toBe(200)

    // Log out: back to the login page.
    await page.getByRole('button', { name: 'Log out' }).click()
    await page.getByLabel('Username').waitFor()
    expect(problems).toEqual([])
    await context.close()
  })

  it('shows the write buttons to a user with the servers area', async () => {
    const { context, page, problems } = await logIn('editor')
    await openServers(page)
    const row = page.locator('tr[data-hostname="perm-e2e-01"]')
    await page.getByRole('button', { name: 'Add server' }).waitFor()
    await row.getByRole('button', { name: 'Edit perm-e2e-01' }).waitFor()
    await row.getByRole('button', { name: 'Delete perm-e2e-01' }).waitFor()
    await row.getByRole('button', { name: 'Connection of perm-e2e-01' }).waitFor()
    expect(await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Oracle' }).count()).toBe(0)
    expect(problems).toEqual([])
    await context.close()
  })

  it('lets a user who may not read servers fill the PostgreSQL and Oracle forms, saying why no server can be chosen', async () => {
    const { context, page, problems } = await logIn('dba')
    await page.goto(`${vigil.url}/#/postgres`)
    await page.getByRole('button', { name: 'Add instance' }).click()
    await page.getByText('Linking a server needs read access to Servers: ask an admin.').waitFor()
    expect(await page.locator('select[name="server_id"]').isDisabled()).toBe(true)
    await page.getByRole('button', { name: 'Cancel' }).click()

    await page.goto(`${vigil.url}/#/oracle`)
    await page.getByRole('button', { name: 'Add database' }).click()
    await page.getByText('Choosing a server needs read access to Servers: ask an admin.').waitFor()
    // No request the user may not make, so no "forbidden" anywhere.
    expect(await page.getByText(/forbidden|Could not list the servers/i).count()).toBe(0)
    expect(problems).toEqual([])
    await context.close()
  })

  it('shows a server to a user who may read servers but not metrics, without asking for its charts', async () => {
    const { context, page, problems } = await logIn('observer')
    const refused: string[] = []
    page.on('response', (response) => {
      if (response.status() === 403) refused.push(response.url())
    })
    expect(await page.getByRole('navigation', { name: 'Main' }).getByRole('link').allInnerTexts()).toEqual(['Servers', 'Settings'])
    await page.goto(`${vigil.url}/#/servers/${serverId}`)
    await page.getByRole('heading', { name: 'perm-e2e-01' }).waitFor()
    await page.getByText('Charts and processes need read access to Metrics: ask an admin.').waitFor()
    const tabs = page.getByRole('tablist', { name: 'Server views' }).getByRole('tab')
    expect(await tabs.allInnerTexts()).toEqual(['Connection'])
    await page.getByText('Last error').waitFor()
    expect(await page.getByText(/forbidden/i).count()).toBe(0)
    expect(refused).toEqual([])
    expect(problems).toEqual([])
    await context.close()
  })
})
