// Settings → Webhooks in Chromium against `vigil serve`: a bad URL refused at its field (the
// API's own schema), a webhook added pointing at a receiver on loopback, Test pressed, the signed
// delivery received and its attempt shown in the deliveries log; then deleted.
import { createHmac } from 'node:crypto'
import type { Browser, BrowserContext } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { keepScreenshot, launchBrowser, loggedInContext, watchConsole } from '../helpers/browser'
import { startVigil, type VigilProcess } from '../helpers/vigil-process'
import { startWebhookReceiver, type WebhookReceiver } from '../helpers/webhook-receiver'

let vigil: VigilProcess
let receiver: WebhookReceiver
let browser: Browser
let context: BrowserContext

beforeAll(async () => {
  ;[vigil, receiver] = await Promise.all([startVigil(), startWebhookReceiver()])
  browser = await launchBrowser()
  context = await loggedInContext(browser, vigil.loginUrl)
})

afterAll(async () => {
  await browser?.close()
  await Promise.all([vigil?.stop(), receiver?.close()])
})

describe('Settings → Webhooks', () => {
  it('adds a webhook, tests it, shows the delivery, and deletes it', async () => {
    const page = await context.newPage()
    const problems = watchConsole(page)
    await page.goto(`${vigil.url}/#/settings`)
    const section = page.getByRole('region', { name: 'Webhooks' })
    const form = section.getByRole('form', { name: 'Add a webhook' })

    // Refused before sending, at the fields: not http(s), and no event chosen.
    await form.getByLabel('Payload URL').fill('ftp://example.com/hook')
    await form.getByRole('button', { name: 'Add webhook' }).click()
    await expect.poll(() => form.locator('#url-error').innerText()).toContain('must be an http:// or https:// URL')
    await expect.poll(() => form.locator('#events-error').innerText()).toContain('at least 1')

    await form.getByLabel('Payload URL').fill(receiver.url)
    await form.getByLabel('Name').fill('e2e-receiver')
    await form.getByLabel('Secret').fill('e2e-secret')
    await form.getByLabel('server.down').check()
    await form.getByLabel('server.up').check()
    await form.getByRole('button', { name: 'Add webhook' }).click()
    const table = section.getByRole('table', { name: 'Webhooks' })
    await expect.poll(() => table.innerText()).toContain('e2e-receiver')
    expect(await table.innerText()).toContain('server.down, server.up')

    await section.getByRole('button', { name: 'Test e2e-receiver' }).click()
    const delivery = await receiver.next((d) => d.json.event === 'webhook.test')
    const timestamp = delivery.headers['x-vigil-timestamp'] as string
    expect(delivery.headers['x-vigil-signature']).toBe('sha256=' + createHmac('sha256', 'e2e-secret').update(`${timestamp}.${delivery.body}`).digest('hex'))
    const log = section.getByRole('table', { name: 'Deliveries to e2e-receiver' })
    await expect.poll(() => log.innerText(), { timeout: 10_000 }).toMatch(/webhook\.test\s+1\s+200 OK\s+\d[\d,]* ms/)
    await keepScreenshot(page, 'webhooks-delivered')

    await section.getByRole('button', { name: 'Delete e2e-receiver' }).click()
    await page.getByRole('dialog').getByRole('button', { name: 'Delete' }).click()
    await expect.poll(() => section.innerText()).toContain('No webhooks yet.')
    expect(problems).toEqual([])
    await page.close()
  })
})
