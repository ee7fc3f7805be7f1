// The UI of a Vigil upgrading a data dir of an earlier version: a window opened while the metrics
// are converted shows where the upgrade is, follows it live, and shows its end.
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { keepScreenshot, launchBrowser, watchConsole } from '../helpers/browser'
import { fixtureDataDir } from '../helpers/metrics-fixture'
import { startVigil, type VigilProcess } from '../helpers/vigil-process'

describe('the upgrade in the browser UI', () => {
  let vigil: VigilProcess
  let browser: Browser

  beforeAll(async () => {
    const data = fixtureDataDir()
    // Small, paced steps (the documented knobs): the conversion takes several seconds.
    vigil = await startVigil([], { dataDir: data.dir, env: { VIGIL_UPGRADE_ROWS_PER_TRANSACTION: '50', VIGIL_UPGRADE_PAUSE_MS: '150' } })
    browser = await launchBrowser()
  })
  afterAll(async () => {
    await browser?.close()
    await vigil?.stop()
  })

  it('shows the progress to a window opened mid-way, moves it live, then says it is done', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } })
    const problems = watchConsole(page)
    await vigil.line(/^upgrade: converting /)
    await page.goto(vigil.loginUrl)
    await expect.poll(() => page.url()).toBe(`${vigil.url}/`)
    // A page that reads no metrics: the banner is over every page.
    await page.goto(`${vigil.url}/#/settings`)

    const converting = page.locator('[aria-label="Data upgrade"][data-state="converting"]')
    await converting.waitFor()
    await converting.getByText('Upgrading this data directory.').waitFor()
    const bar = converting.getByRole('progressbar')
    const first = Number(await bar.getAttribute('value'))
    expect(first).toBeGreaterThan(0)
    expect(first).toBeLessThan(100)
    // Live: the bar moves without a reload.
    await page.waitForFunction(
      (before) => Number(document.querySelector('[aria-label="Data upgrade"] progress')?.getAttribute('value') ?? 100) > before,
      first
    )
    await expect.poll(async () => (await converting.textContent()) ?? '').toMatch(/(Copying [\d,]+ of 4,774 rows|Checking the copy against the old tables) \([a-z_]+\) · \d+\.\d%/)
    await keepScreenshot(page, 'upgrade-converting')

    const done = page.locator('[aria-label="Data upgrade"][data-state="converted"]')
    await done.waitFor({ timeout: 45_000 })
    expect(await done.textContent()).toMatch(/^Upgrade done: 4,774 rows of metrics moved into the new store and checked in \d+(\.\d)? s\./)
    await keepScreenshot(page, 'upgrade-done')
    await done.getByRole('button', { name: 'Dismiss' }).click()
    await done.waitFor({ state: 'detached' })
    expect(problems).toEqual([])
  }, 60_000)
})
