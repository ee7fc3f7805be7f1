// Settings → Remote write in Chromium against `vigil serve`: the receiver set in the form (a
// test receiver on loopback that decodes what arrives), samples imported through the API reach
// it and the section says so; the receiver failing shows as retrying with its error, and
// sending catches up once it recovers.
import type { Browser, BrowserContext } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { keepScreenshot, launchBrowser, loggedInContext, watchConsole } from '../helpers/browser'
import { startRemoteWriteReceiver, type RemoteWriteReceiver } from '../helpers/remote-write-receiver'
import { startVigil, type VigilProcess } from '../helpers/vigil-process'

let vigil: VigilProcess
let receiver: RemoteWriteReceiver
let browser: Browser
let context: BrowserContext

beforeAll(async () => {
  ;[vigil, receiver] = await Promise.all([startVigil(), startRemoteWriteReceiver()])
  browser = await launchBrowser()
  context = await loggedInContext(browser, vigil.loginUrl)
})

afterAll(async () => {
  await browser?.close()
  await Promise.all([vigil?.stop(), receiver?.close()])
})

async function importSamples(name: string, count: number): Promise<void> {
  const from = Date.now() + 1000
  const lines = Array.from({ length: count }, (_, i) => `${name} ${i} ${from + i * 1000}`)
  const response = await fetch(`${vigil.url}/prometheus/api/v1/import/prometheus`, { method: 'POST', headers: { Authorization: `Bearer ${vigil.token}` }, body: lines.join('\n') + '\n' })
  expect(response.status).toBe(200)
}

const received = (name: string): number => receiver.accepted.get(`__name__="${name}"`)?.length ?? 0

describe('Settings → Remote write', () => {
  it('sets the receiver, shows sending, a failing receiver, and the catch-up', async () => {
    const page = await context.newPage()
    const problems = watchConsole(page)
    await page.goto(`${vigil.url}/#/settings`)
    const section = page.getByRole('region', { name: 'Remote write' })
    await section.getByLabel('Receiver URL').fill(receiver.url)
    await section.getByLabel('Bearer token').fill('e2e-token')
    await section.getByRole('button', { name: 'Save' }).click()
    const facts = section.getByRole('definition')
    await expect.poll(() => facts.first().innerText(), { timeout: 10_000 }).toBe('Up to date')
    await expect.poll(() => section.getByLabel('Bearer token').getAttribute('placeholder')).toBe('Set (leave empty to keep it)')

    await importSamples('e2e_sent', 30)
    await expect.poll(() => received('e2e_sent'), { timeout: 10_000 }).toBe(30)
    // At least those 30: "this machine" is collected too, and its samples are sent as well.
    const samplesSent = async (): Promise<number> => Number(/Samples sent\s+([\d,]+)/.exec(await section.innerText())?.[1]?.replaceAll(',', '') ?? 0)
    await expect.poll(samplesSent, { timeout: 10_000 }).toBeGreaterThanOrEqual(30)
    expect(receiver.requests.at(-1)?.headers.authorization).toBe('Bearer e2e-token')
    await keepScreenshot(page, 'remote-write-up-to-date')

    receiver.answerWith(() => ({ status: 503, body: 'receiver is restarting' }))
    await importSamples('e2e_waiting', 10)
    await expect.poll(() => facts.first().innerText(), { timeout: 10_000 }).toBe('Retrying (receiver failing)')
    await expect.poll(() => section.getByRole('alert').innerText()).toContain('HTTP 503: receiver is restarting')
    await keepScreenshot(page, 'remote-write-retrying')

    receiver.answerWith(() => ({ status: 204 }))
    await expect.poll(() => received('e2e_waiting'), { timeout: 40_000 }).toBe(10)
    await expect.poll(() => facts.first().innerText(), { timeout: 10_000 }).toBe('Up to date')
    expect(problems).toEqual([])
    await page.close()
  })
})
