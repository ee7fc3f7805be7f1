import { mkdirSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions, type Page } from 'playwright-core'

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
export const ARTIFACTS = resolve('test-results/e2e')

/** Debian's Chromium, headless, with the flags this closed network needs. */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-quic',
      '--no-first-run'
    ]
  })
}

/** Keeps a screenshot as a test artifact under test-results/e2e/. */
/**
 * A desktop-sized context logged in to Vigil: its one-time login link opened once (the session
 * cookie stays with the context), waited for until the Overview shows.
 */
export async function loggedInContext(browser: Browser, loginUrl: string, options: BrowserContextOptions = {}): Promise<BrowserContext> {
  const context = await browser.newContext({ viewport: { width: 1400, height: 1000 }, ...options })
  const first = await context.newPage()
  await first.goto(loginUrl)
  await first.getByRole('heading', { name: 'Overview' }).waitFor()
  await first.close()
  return context
}

export async function keepScreenshot(page: Page, name: string): Promise<string> {
  const path = resolve(ARTIFACTS, `${name}.png`)
  mkdirSync(dirname(path), { recursive: true })
  await page.screenshot({ path, fullPage: true })
  return path
}

/**
 * Collects console errors and CSP violations, which a test should end with none of.
 * Chromium also logs every 4xx answer; those are the app's expected refusals, not faults.
 */
export function watchConsole(page: Page): string[] {
  const problems: string[] = []
  page.on('console', (message) => {
    if (message.type() !== 'error') return
    if (/^Failed to load resource: the server responded with a status of 4\d\d/.test(message.text())) return
    problems.push(message.text())
  })
  page.on('pageerror', (error) => problems.push(error.message))
  return problems
}
