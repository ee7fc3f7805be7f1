// Table monitoring in the browser UI, against `vigil serve` and a real throwaway PostgreSQL
// cluster registered through the 'postgresql' engine (the same pipeline an Oracle database goes
// through): add the database and test it, watch a mixed-case table with a composite key choosing
// its columns, see its rows, then rows inserted, updated and deleted by the test come back as a
// new snapshot in the timeline and a diff with added, removed and changed rows marked.
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { keepScreenshot, launchBrowser, loggedInContext, watchConsole } from '../helpers/browser'
import { startPostgres, type Postgres, type RoleCredentials } from '../helpers/postgres'
import { startVigil, type VigilProcess } from '../helpers/vigil-process'

const DB = 'shop'
const TABLE = '"Inventory"."StockItems"'

let vigil: VigilProcess
let pg: Postgres
let reader: RoleCredentials
let browser: Browser
let context: BrowserContext
let serverId: string
let tableId: number

const sql = (text: string) => pg.query(text, [], DB)

async function api(method: string, path: string, body?: unknown): Promise<any> {
  const response = await fetch(`${vigil.url}${path}`, {
    method,
    headers: { Authorization: `Bearer ${vigil.token}`, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body)
  })
  const text = await response.text()
  return { status: response.status, body: text ? JSON.parse(text) : null }
}

beforeAll(async () => {
  const started = performance.now()
  ;[vigil, pg] = await Promise.all([startVigil(), startPostgres()])
  reader = await pg.createRole('vigil_reader', 'reader-secret-1')
  await pg.createDatabase(DB)
  await sql(`CREATE SCHEMA "Inventory"`)
  await sql(`CREATE TABLE ${TABLE} (
    "Warehouse" text NOT NULL,
    "Sku" integer NOT NULL,
    "Qty" integer NOT NULL,
    "Note" text,
    "Updated" timestamptz NOT NULL DEFAULT '2024-08-07T10:30:00Z',
    PRIMARY KEY ("Warehouse", "Sku"))`)
  await sql(`INSERT INTO ${TABLE} ("Warehouse", "Sku", "Qty", "Note") VALUES ('north', 1, 10, 'bolts'), ('north', 2, 20, 'nuts'), ('south', 1, 30, NULL)`)
  await sql(`GRANT CONNECT ON DATABASE ${DB} TO vigil_reader`)
  await sql(`GRANT USAGE ON SCHEMA "Inventory" TO vigil_reader`)
  await sql(`GRANT SELECT ON ALL TABLES IN SCHEMA "Inventory" TO vigil_reader`)
  // The host the database runs on; monitoring off, so `vigil serve` does not try SSH to it.
  const server = await api('POST', '/api/servers/create/', { hostname: 'db-host-01', ip_address: '127.0.0.1', ssh_username: 'ops', monitoring_enabled: false })
  expect(server.status).toBe(201)
  serverId = server.body.server.id
  browser = await launchBrowser()
  context = await loggedInContext(browser, vigil.loginUrl)
  console.log(`oracle-ui setup (vigil serve, PostgreSQL cluster, browser): ${(performance.now() - started).toFixed(0)} ms`)
})

afterAll(async () => {
  await browser?.close()
  await vigil?.stop()
  await pg?.stop()
})

async function open(hash: string): Promise<{ page: Page; problems: string[] }> {
  const page = await context.newPage()
  const problems = watchConsole(page)
  await page.goto(`${vigil.url}/${hash}`)
  return { page, problems }
}

describe('table monitoring in the browser UI', () => {
  it('adds a PostgreSQL database, names what is missing at the field, and tests its connection for real', async () => {
    const { page, problems } = await open('#/oracle')
    await page.getByRole('heading', { name: 'Monitored databases' }).waitFor()
    await page.getByText('No database yet.').waitFor()

    await page.getByRole('button', { name: 'Add database' }).click()
    const dialog = page.getByRole('dialog', { name: 'Add database' })
    await dialog.locator('input[name="name"]').fill('ShopDB')
    await dialog.locator('select[name="engine"]').selectOption('postgresql')
    expect(await dialog.locator('input[name="port"]').inputValue()).toBe('5432')
    await dialog.locator('select[name="server_id"]').selectOption(serverId)
    await dialog.locator('input[name="host"]').fill('127.0.0.1')
    await dialog.locator('input[name="port"]').fill(String(pg.port))
    await dialog.locator('input[name="username"]').fill(reader.user)
    await dialog.locator('input[name="password"]').fill(reader.password)
    // The database name left out: the core's rule shows at its field.
    await dialog.getByRole('button', { name: 'Add database' }).click()
    await dialog.locator('label.field-invalid:has(input[name="database"])').getByText('is required for a PostgreSQL database').waitFor()
    await keepScreenshot(page, 'oracle-database-form')
    await dialog.locator('input[name="database"]').fill(DB)
    await dialog.getByRole('button', { name: 'Add database' }).click()
    await dialog.waitFor({ state: 'detached' })

    const row = page.locator('tr[data-database="ShopDB"]')
    await row.waitFor()
    // Tested on add: connected at once, never "not tested".
    expect(await row.locator('[data-connection]').getAttribute('data-connection')).toBe('connected')
    await page.getByRole('button', { name: 'Test connection to ShopDB' }).click()
    const test = page.getByRole('dialog', { name: 'Connection to ShopDB' })
    await test.getByText('Connection successful.').waitFor()
    expect(await test.innerText()).toMatch(/PostgreSQL \d+/)
    await test.locator('.dialog-footer').getByRole('button', { name: 'Close' }).click()
    await expect.poll(() => row.locator('[data-connection]').getAttribute('data-connection')).toBe('connected')
    expect(await row.innerText()).toMatch(/just now|s ago/)
    await keepScreenshot(page, 'oracle-databases')
    expect(problems).toEqual([])
    await page.close()
  })

  it('watches a table chosen from the dictionary, with picked columns, refusing a WHERE with ; at the field', async () => {
    const { page, problems } = await open('#/oracle')
    await page.getByRole('link', { name: 'ShopDB' }).click()
    await page.getByRole('heading', { name: /ShopDB/ }).waitFor()
    await page.getByText('No table watched on ShopDB yet.').waitFor()

    await page.getByRole('button', { name: 'Add table' }).click()
    const dialog = page.getByRole('dialog', { name: 'Watch a table of ShopDB' })
    const picker = dialog.locator('select[name="table"]')
    await picker.locator('option[value="Inventory.StockItems"]').waitFor({ state: 'attached' })
    await picker.selectOption('Inventory.StockItems')
    await dialog.locator('input[name="column:Note"]').waitFor()
    await dialog.locator('input[name="all_columns"]').uncheck()
    // The key is always read (rows are paired by it): its boxes stay ticked.
    expect(await dialog.locator('input[name="column:Warehouse"]').isDisabled()).toBe(true)
    expect(await dialog.locator('input[name="column:Sku"]').isChecked()).toBe(true)
    await dialog.locator('input[name="column:Note"]').uncheck()
    await dialog.locator('input[name="polling_interval"]').fill('3600')

    await dialog.locator('textarea[name="where_clause"]').fill(`"Qty" >= 0; DROP TABLE x`)
    await dialog.getByRole('button', { name: 'Watch table' }).click()
    const whereError = dialog.locator('label.field-invalid:has(textarea[name="where_clause"]) .field-error')
    await whereError.waitFor()
    expect(await whereError.innerText()).toMatch(/must not contain ';'/)
    await keepScreenshot(page, 'oracle-table-form-where-error')

    // Unbalanced parentheses too, and then a condition the database's parser accepts.
    await dialog.locator('textarea[name="where_clause"]').fill(`("Qty" >= 0`)
    await dialog.getByRole('button', { name: 'Watch table' }).click()
    await expect.poll(() => whereError.innerText()).toMatch(/never closed/)
    await dialog.locator('textarea[name="where_clause"]').fill(`"Qty" >= 0`)
    await dialog.locator('input[name="order_by"]').fill('"Qty" DESC')
    await dialog.getByRole('button', { name: 'Watch table' }).click()
    await dialog.waitFor({ state: 'detached' })

    const row = page.locator('tr[data-table="Inventory.StockItems"]')
    await row.waitFor()
    // Added tables are read on the scheduler's next tick: the first snapshot shows up by itself.
    await expect.poll(() => row.locator('td.numeric').innerText(), { timeout: 20_000 }).toBe('3')
    await expect.poll(() => row.locator('[data-status]').getAttribute('data-status')).toBe('completed')
    expect(await row.innerText()).toMatch(/4 columns · where "Qty" >= 0/)
    await keepScreenshot(page, 'oracle-database-tables')
    tableId = Number((await row.getByRole('link').getAttribute('href'))?.split('/').pop())
    expect(tableId).toBeGreaterThan(0)
    expect(problems).toEqual([])
    await page.close()
  })

  it('shows the current snapshot, then the changes of the next one as a highlighted diff, live', async () => {
    const { page, problems } = await open(`#/oracle/tables/${tableId}`)
    await page.getByRole('heading', { name: /Inventory\.StockItems/ }).waitFor()
    const current = page.getByRole('table', { name: 'Current snapshot' })
    await current.waitFor()
    // The columns picked, in table order; the key marked.
    expect(await current.locator('thead th').allTextContents()).toEqual(['Warehousekey', 'Skukey', 'Qty', 'Updated'])
    // ORDER BY "Qty" DESC, then the key.
    expect(await current.locator('tbody tr').allInnerTexts()).toEqual([
      expect.stringMatching(/^south\s+1\s+30\s+2024-08-07T10:30:00.000Z$/),
      expect.stringMatching(/^north\s+2\s+20\s+/),
      expect.stringMatching(/^north\s+1\s+10\s+/)
    ])
    expect(await page.getByTestId('snapshot-summary').innerText()).toMatch(/^3 rows · snapshot #\d+ taken/)
    await keepScreenshot(page, 'oracle-current-data')

    await sql(`INSERT INTO ${TABLE} ("Warehouse", "Sku", "Qty") VALUES ('south', 2, 5)`)
    await sql(`UPDATE ${TABLE} SET "Qty" = 11, "Note" = 'bolts!' WHERE "Warehouse" = 'north' AND "Sku" = 1`)
    await sql(`DELETE FROM ${TABLE} WHERE "Warehouse" = 'north' AND "Sku" = 2`)
    const clicked = performance.now()
    await page.getByRole('button', { name: 'Monitor now' }).click()
    const notice = page.locator('.live-notice')
    await notice.getByText('1 added, 1 removed, 1 changed').waitFor()
    console.log(`Monitor now → "updated" notice: ${(performance.now() - clicked).toFixed(0)} ms`)

    await page.getByRole('tab', { name: /Changes/ }).click()
    const items = page.locator('.timeline-item')
    await expect.poll(() => items.count()).toBe(2)
    expect(await items.first().getAttribute('aria-pressed')).toBe('true')
    expect(await items.first().innerText()).toMatch(/\+1\s*−1\s*~1/)
    expect(await items.nth(1).innerText()).toMatch(/baseline/)

    const diff = page.getByRole('table', { name: 'Changes' })
    await diff.waitFor()
    const kinds = await diff.locator('tbody tr').evaluateAll((rows) => rows.map((row) => row.getAttribute('data-kind')))
    expect(kinds).toEqual(['changed', 'removed', 'added'])
    const added = diff.locator('tr[data-kind="added"]')
    const removed = diff.locator('tr[data-kind="removed"]')
    const changed = diff.locator('tr[data-kind="changed"]')
    expect(await added.innerText()).toMatch(/south\s+2\s+5/)
    expect(await removed.innerText()).toMatch(/north\s+2\s+20/)
    // The changed cell shows the value before and the value now; the others are plain.
    const changedCells = changed.locator('td[data-changed="true"]')
    expect(await changedCells.count()).toBe(1)
    expect(await changedCells.locator('del').innerText()).toMatch(/10$/)
    expect(await changedCells.locator('ins').innerText()).toMatch(/11$/)
    // Highlighted: added, removed and changed cells each on a background of their own, none the plain panel's.
    const background = (locator: ReturnType<Page['locator']>) => locator.evaluate((element) => getComputedStyle(element).backgroundColor)
    const colours = [await background(added), await background(removed), await background(changedCells), await background(diff.locator('..'))]
    expect(new Set(colours).size).toBe(4)
    await keepScreenshot(page, 'oracle-changes')

    // A snapshot taken elsewhere (a script, the scheduler) lands on the open page by itself.
    await sql(`UPDATE ${TABLE} SET "Qty" = 31 WHERE "Warehouse" = 'south' AND "Sku" = 1`)
    expect((await api('POST', `/api/oracle-tables/${tableId}/monitor_now/`)).body.changes_detected).toBe(true)
    await notice.getByText('0 added, 0 removed, 1 changed').waitFor()
    await expect.poll(() => items.count()).toBe(3)
    await expect.poll(() => diff.locator('tbody tr').count()).toBe(1)
    expect(await diff.locator('td[data-changed="true"]').innerText()).toMatch(/30\s*→\s*(now\s*)?31/)

    // Keyboard: arrows walk the timeline, and the diff follows.
    await items.first().focus()
    await page.keyboard.press('ArrowDown')
    await expect.poll(() => items.nth(1).getAttribute('aria-pressed')).toBe('true')
    await expect.poll(() => diff.locator('tbody tr').count()).toBe(3)
    await page.keyboard.press('ArrowDown')
    await page.getByText('A baseline: the first snapshot').waitFor()
    await page.getByRole('tab', { name: /Changes/ }).focus()
    await page.keyboard.press('ArrowRight')
    await expect.poll(() => page.getByRole('tab', { name: 'Tasks' }).getAttribute('aria-selected')).toBe('true')
    expect(problems).toEqual([])
    await page.close()
  })

  it('lists the runs with their state and says why one failed', async () => {
    const { page, problems } = await open(`#/oracle/tables/${tableId}`)
    await page.getByRole('heading', { name: /Inventory\.StockItems/ }).waitFor()
    await page.getByRole('table', { name: 'Current snapshot' }).waitFor()
    await sql(`REVOKE SELECT ON ${TABLE} FROM vigil_reader`)
    try {
      await page.getByRole('button', { name: 'Monitor now' }).click()
      const failure = page.getByText(/^Monitoring task failed: .*may not read it/)
      await failure.waitFor()
      console.log(`a failed run, as the UI says it: ${await failure.innerText()}`)
    } finally {
      await sql(`GRANT SELECT ON ${TABLE} TO vigil_reader`)
    }
    await page.getByRole('tab', { name: 'Tasks' }).click()
    const tasks = page.getByRole('table', { name: 'Monitoring tasks' })
    await tasks.waitFor()
    const rows = tasks.locator('tbody tr')
    expect(await rows.count()).toBe(4)
    expect(await rows.evaluateAll((all) => all.map((row) => row.getAttribute('data-status')))).toEqual(['failed', 'completed', 'completed', 'completed'])
    expect(await rows.first().innerText()).toMatch(/user 'vigil_reader' may not read it/)
    expect(await rows.last().innerText()).toMatch(/schedule/)
    await keepScreenshot(page, 'oracle-tasks')

    // It recovers at the next run; the error goes.
    await page.getByRole('button', { name: 'Monitor now' }).click()
    await expect.poll(() => rows.count()).toBe(5)
    await expect.poll(() => page.locator('p.form-error').count()).toBe(0)
    expect(await rows.first().getAttribute('data-status')).toBe('completed')

    // Configure: the saved configuration shows on its tab.
    await page.getByRole('button', { name: 'Configure' }).click()
    const dialog = page.getByRole('dialog', { name: 'Configure Inventory.StockItems' })
    await dialog.locator('input[name="column:Note"]').waitFor()
    expect(await dialog.locator('input[name="column:Note"]').isChecked()).toBe(false)
    await dialog.locator('input[name="polling_interval"]').fill('1800')
    await dialog.getByRole('button', { name: 'Save' }).click()
    await dialog.waitFor({ state: 'detached' })
    await page.getByRole('tab', { name: 'Configuration' }).click()
    await page.getByText('every 30 min').first().waitFor()
    expect(problems).toEqual([])
    await page.close()
  })

  it('reads well in the dark theme, then deletes the database after asking', async () => {
    const { page, problems } = await open('#/settings')
    await page.getByLabel('Theme').selectOption('dark')
    await page.goto(`${vigil.url}/#/oracle/tables/${tableId}`)
    await page.getByRole('tab', { name: /Changes/ }).click()
    await page.getByRole('button', { name: /1 added, 1 removed, 1 changed/ }).click()
    await page.getByRole('table', { name: 'Changes' }).locator('tr[data-kind="added"]').waitFor()
    await keepScreenshot(page, 'oracle-changes-dark')
    await page.goto(`${vigil.url}/#/oracle`)
    await page.locator('tr[data-database="ShopDB"]').waitFor()
    await keepScreenshot(page, 'oracle-databases-dark')

    await page.getByRole('button', { name: 'Delete ShopDB' }).click()
    const confirm = page.getByRole('dialog', { name: 'Delete ShopDB?' })
    await confirm.getByText('its 1 watched table').waitFor()
    await confirm.getByRole('button', { name: 'Delete' }).click()
    await page.getByText('Deleted database ShopDB').waitFor()
    await page.getByText('No database yet.').waitFor()
    expect((await api('GET', '/api/oracle-tables/')).body).toEqual([])
    // Back to light for whoever uses this profile next.
    await page.goto(`${vigil.url}/#/settings`)
    await page.getByLabel('Theme').selectOption('light')
    expect(problems).toEqual([])
    await page.close()
  })
})
