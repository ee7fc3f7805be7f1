// The PostgreSQL pages in Chromium against `vigil serve` and a real throwaway cluster: the
// instance is added through the form, then every tab is driven as a DBA would — a backend the
// test opened is seen live and terminated, a lock pair is drawn in the lock tree and the waiter's
// query cancelled from it, work_mem is changed (and SHOW says so), a VACUUM FULL is scheduled and
// cancelled, an ANALYZE runs, a statement is found, and the trail has it all. Screenshots of each
// view are kept in test-results/e2e/.
import { Client } from 'pg'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { keepScreenshot, launchBrowser, loggedInContext, watchConsole } from '../helpers/browser'
import { startPostgres, type Postgres } from '../helpers/postgres'
import { startVigil, type VigilProcess } from '../helpers/vigil-process'

let vigil: VigilProcess
let pg: Postgres
let browser: Browser
let context: BrowserContext
let instanceId: number
const clients: Client[] = []
const INSTANCE = 'e2e-pg'

beforeAll(async () => {
  ;[pg, vigil, browser] = await Promise.all([startPostgres(), startVigil(), launchBrowser()])
  await pg.query(`CREATE TABLE e2e_items (id int PRIMARY KEY, label text);
    INSERT INTO e2e_items SELECT g, 'item ' || g FROM generate_series(1, 5000) g;
    DELETE FROM e2e_items WHERE id % 3 = 0`)
  context = await loggedInContext(browser, vigil.loginUrl, { viewport: { width: 1440, height: 1000 } })
})

afterAll(async () => {
  await Promise.all(clients.splice(0).map((client) => client.end().catch(() => undefined)))
  await browser?.close()
  await vigil?.stop()
  await pg?.stop()
})

async function open(applicationName: string): Promise<{ client: Client; pid: number }> {
  const client = new Client({ ...pg.connectionConfig(), application_name: applicationName })
  clients.push(client)
  client.on('error', () => undefined)
  await client.connect()
  const { rows } = await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')
  return { client, pid: rows[0]!.pid }
}

async function page(path = ''): Promise<{ page: Page; problems: string[] }> {
  const tab = await context.newPage()
  const problems = watchConsole(tab)
  await tab.goto(`${vigil.url}/#${path}`)
  return { page: tab, problems }
}

async function instanceTab(tab: string): Promise<{ page: Page; problems: string[] }> {
  const opened = await page(`/postgres/${instanceId}/${tab}`)
  await opened.page.getByRole('heading', { name: INSTANCE }).waitFor()
  return opened
}

const settingOf = async (name: string): Promise<string> => Object.values((await pg.query(`SHOW ${name}`)).rows[0] as object)[0] as string

describe('PostgreSQL in the browser UI', () => {
  it('adds the instance through the form (checked before sending) and shows its state at a glance', async () => {
    const { page: p, problems } = await page('/postgres')
    await p.getByRole('heading', { name: 'PostgreSQL' }).waitFor()
    await p.getByRole('button', { name: 'Add instance' }).click()
    const dialog = p.getByRole('dialog', { name: 'Add PostgreSQL instance' })
    await dialog.locator('input[name="name"]').fill(INSTANCE)
    await dialog.locator('input[name="host"]').fill('127.0.0.1')
    await dialog.locator('input[name="port"]').fill('70000')
    await dialog.locator('input[name="username"]').fill(pg.superuser)
    await dialog.locator('input[name="password"]').fill(pg.password)
    await dialog.locator('select[name="control_method"]').selectOption('pg_ctl')
    await dialog.getByRole('button', { name: 'Add instance' }).click()
    // The registry's own schema and control rules, checked in the page.
    await dialog.getByText("Invalid value for 'port': must be an integer from 1 to 65535").waitFor()
    await dialog.getByText(/Missing required field: 'control.data_dir'/).waitFor()
    await keepScreenshot(p, 'pg-instance-form')
    await dialog.locator('input[name="port"]').fill(String(pg.port))
    await dialog.locator('select[name="control_method"]').selectOption('')
    await dialog.getByRole('button', { name: 'Add instance' }).click()
    await dialog.waitFor({ state: 'detached' })
    const row = p.locator(`tr[data-instance="${INSTANCE}"]`)
    await row.waitFor()
    // Tested on add: the version is there at once, never "not tested".
    await p.getByRole('status').getByText(`Added ${INSTANCE}: connected`).waitFor()
    await row.getByText(/reachable/).waitFor()
    expect(await row.innerText()).not.toContain('not tested')

    await p.getByRole('button', { name: `Test ${INSTANCE}` }).click()
    await row.getByText(/reachable in \d+ ms/).waitFor()
    await expect.poll(() => row.locator('td').nth(2).innerText()).toMatch(/^\d+(\.\d+)?$/)
    instanceId = Number((await row.getByRole('link', { name: INSTANCE }).getAttribute('href'))?.split('/').pop())
    expect(instanceId).toBeGreaterThan(0)
    await keepScreenshot(p, 'pg-instances')
    expect(problems).toEqual([])
    await p.close()
  })

  it('shows live activity with a backend the test opened, its whole query, and terminates it after naming it', async () => {
    const victim = await open('e2e-victim')
    await victim.client.query("SELECT 'e2e-victim-marker', count(*) FROM e2e_items")
    const { page: p, problems } = await instanceTab('activity')
    const row = p.locator(`tr[data-pid="${victim.pid}"]`)
    await row.waitFor()
    await row.getByText('e2e-victim', { exact: true }).waitFor()

    // Filters: the application name narrows the list to the victim.
    await p.getByLabel('Search query, application or client').fill('e2e-victim')
    await expect.poll(() => p.locator('table.pg-backends tbody tr').count()).toBe(1)
    await p.getByLabel('State filter').selectOption('idle')
    await expect.poll(() => p.locator('table.pg-backends tbody tr[data-pid]').count()).toBe(1)
    await p.getByLabel('Minimum duration in seconds').fill('3600')
    await p.getByText('No backend matches these filters.').waitFor()
    await p.getByRole('button', { name: 'Clear filters' }).click()

    await row.getByRole('button', { name: `Show the query of PID ${victim.pid}` }).click()
    const query = p.getByRole('dialog', { name: `Query of PID ${victim.pid}` })
    await query.getByText("SELECT 'e2e-victim-marker', count(*) FROM e2e_items").waitFor()
    await keepScreenshot(p, 'pg-activity-query')
    await query.getByRole('button', { name: 'Done' }).click()

    // Pause holds the list still; Resume goes live again.
    await p.getByRole('button', { name: 'Pause' }).click()
    await p.getByText('Paused').waitFor()
    await p.getByRole('button', { name: 'Resume' }).click()

    await row.getByRole('checkbox', { name: `Select PID ${victim.pid}` }).check()
    await p.getByRole('button', { name: 'Terminate…' }).click()
    const confirm = p.getByRole('dialog', { name: 'Terminate: 1 backend?' })
    await confirm.locator('td', { hasText: String(victim.pid) }).first().waitFor()
    await confirm.getByRole('cell', { name: pg.superuser }).waitFor()
    await keepScreenshot(p, 'pg-activity-confirm')
    await confirm.getByRole('button', { name: 'Terminate' }).click()
    await p.getByRole('status', { name: 'Result per backend' }).getByText(`PID ${victim.pid}: terminated`).waitFor()
    await row.waitFor({ state: 'detached' })
    await expect(victim.client.query('SELECT 1')).rejects.toThrow()
    await keepScreenshot(p, 'pg-activity')
    expect(problems).toEqual([])
    await p.close()
  })

  it('draws a lock pair in the lock tree, root blocker marked, and cancels the waiter’s query from it', async () => {
    const holder = await open('e2e-holder')
    const waiter = await open('e2e-waiter')
    await holder.client.query("BEGIN; UPDATE e2e_items SET label = 'held' WHERE id = 1")
    const waiting = waiter.client.query("UPDATE e2e_items SET label = 'waited' WHERE id = 1").catch((error: { code?: string }) => error)
    const { page: p, problems } = await instanceTab('activity')
    await p.getByRole('button', { name: 'Lock tree' }).click()
    const root = p.locator(`g.lock-node[data-pid="${holder.pid}"]`)
    await root.waitFor()
    expect(await root.getAttribute('data-root')).toBe('true')
    const edge = p.locator(`g.lock-edge[data-blocker="${holder.pid}"][data-waiter="${waiter.pid}"]`)
    await edge.waitFor()
    expect(await edge.locator('.lock-edge-label').textContent()).toMatch(/^ShareLock · \d+(\.\d)? s$/)
    await expect.poll(async () => Number((await p.getByRole('button', { name: /^Waiting \(/ }).innerText()).match(/\d+/)?.[0])).toBeGreaterThanOrEqual(1)
    await keepScreenshot(p, 'pg-lock-tree')

    // Keyboard: the waiter's box is a checkbox.
    const waiterNode = p.getByRole('checkbox', { name: new RegExp(`^PID ${waiter.pid},`) })
    await waiterNode.focus()
    await p.keyboard.press('Space')
    await expect.poll(() => waiterNode.getAttribute('aria-checked')).toBe('true')
    await p.getByRole('button', { name: 'Cancel query…' }).click()
    const confirm = p.getByRole('dialog', { name: 'Cancel the query: 1 backend?' })
    await confirm.getByRole('cell', { name: String(waiter.pid), exact: true }).waitFor()
    await confirm.getByRole('button', { name: 'Cancel query' }).click()
    await p.getByText(`PID ${waiter.pid}: cancelled`).waitFor()
    expect(await waiting).toMatchObject({ code: '57014' }) // query_canceled: the session stays
    await holder.client.query('COMMIT')
    await p.getByText('No backend is waiting for a lock.').waitFor()

    // The waiting and blocking lists are there too.
    await p.getByRole('button', { name: /^Blocking/ }).click()
    await p.getByRole('table', { name: 'Blocking backends' }).waitFor()
    expect(problems).toEqual([])
    await p.close()
  })

  it('charts the dashboard live from the collector’s history, with the instance’s facts', async () => {
    const { page: p, problems } = await instanceTab('dashboard')
    const facts = p.getByLabel('Instance facts')
    await facts.getByText(/^PostgreSQL \d+/).waitFor()
    await facts.getByText(pg.dataDir).waitFor()
    for (const panel of ['tps', 'backends', 'hitratio', 'buffers', 'cpu', 'memory', 'load']) {
      await p.locator(`figure[data-panel="${panel}"] canvas`).first().waitFor()
    }
    // New readings arrive every 2 s: the count grows while the page is open.
    const readings = async (): Promise<number> => Number((await facts.locator('dd').last().innerText()).split(' ')[0])
    const before = await readings()
    await expect.poll(readings, { timeout: 15_000 }).toBeGreaterThan(Math.max(before, 2))
    await expect.poll(() => p.locator('figure[data-panel="tps"] .u-legend').innerText()).toMatch(/commit/)
    await keepScreenshot(p, 'pg-dashboard')
    expect(problems).toEqual([])
    await p.close()
  })

  it('changes work_mem with validation and confirmation (SHOW agrees), reverts it, and shows a pending restart', async () => {
    const { page: p, problems } = await instanceTab('configuration')
    await p.getByLabel('Search settings').fill('work_mem')
    const row = p.locator('tr[data-setting="work_mem"]')
    await row.waitFor()
    await row.getByRole('button', { name: 'Edit work_mem' }).click()
    const input = row.getByLabel('New value of work_mem')
    await input.fill('lots')
    await row.getByRole('alert').waitFor()
    expect(await row.getByRole('button', { name: 'Save…' }).isDisabled()).toBe(true)
    await input.fill('8MB')
    await row.getByRole('button', { name: 'Save…' }).click()
    const confirm = p.getByRole('dialog', { name: 'Change work_mem?' })
    await confirm.getByText('ALTER SYSTEM SET work_mem', { exact: false }).waitFor()
    await confirm.getByRole('button', { name: 'Apply' }).click()
    await p.getByText('work_mem is now 8MB (was 4MB), applied by a reload.').waitFor()
    await row.locator('.current-value', { hasText: '8MB' }).waitFor()
    expect(await settingOf('work_mem')).toBe('8MB')
    await keepScreenshot(p, 'pg-configuration')

    await row.getByRole('button', { name: 'Revert work_mem' }).click()
    await p.getByRole('dialog', { name: 'Revert work_mem?' }).getByRole('button', { name: 'Revert' }).click()
    await row.locator('.current-value', { hasText: '4MB' }).waitFor()
    expect(await settingOf('work_mem')).toBe('4MB')

    // A postmaster setting: saved, and listed as waiting for a restart.
    await p.getByLabel('Search settings').fill('shared_buffers')
    const buffers = p.locator('tr[data-setting="shared_buffers"]')
    await buffers.getByRole('button', { name: 'Edit shared_buffers' }).click()
    await buffers.getByLabel('New value of shared_buffers').fill('64MB')
    await buffers.getByRole('button', { name: 'Save…' }).click()
    await p.getByRole('dialog', { name: 'Change shared_buffers?' }).getByRole('button', { name: 'Apply' }).click()
    await p.getByText(/Restart pending: 1 setting/).waitFor()
    await p.getByLabel('Settings waiting for a restart').getByText('shared_buffers').waitFor()
    await keepScreenshot(p, 'pg-configuration-restart')
    expect(problems).toEqual([])
    await p.close()
  })

  it('browses database → schema → table, schedules a VACUUM FULL and cancels it, and runs an ANALYZE to its result', async () => {
    const { page: p, problems } = await instanceTab('maintenance')
    await p.getByRole('table', { name: 'Databases' }).getByRole('button', { name: 'postgres', exact: true }).click()
    await p.getByRole('table', { name: 'Schemas' }).getByRole('button', { name: 'public', exact: true }).click()
    const table = p.locator('tr[data-table="e2e_items"]')
    await table.waitFor()
    await keepScreenshot(p, 'pg-maintenance-browser')

    // VACUUM FULL tomorrow: a second step names the lock it takes.
    await table.getByRole('button', { name: 'Maintain table e2e_items' }).click()
    const dialog = p.getByRole('dialog', { name: /^Maintenance of public\.e2e_items/ })
    await dialog.getByRole('radio', { name: 'VACUUM' }).check()
    await dialog.getByRole('checkbox', { name: 'FULL' }).check()
    await dialog.getByRole('radio', { name: 'At' }).check()
    const tomorrow = new Date(Date.now() + 86_400_000)
    const pad = (n: number): string => String(n).padStart(2, '0')
    await dialog.getByLabel('Run at').fill(`${tomorrow.getFullYear()}-${pad(tomorrow.getMonth() + 1)}-${pad(tomorrow.getDate())}T03:00`)
    await dialog.getByRole('button', { name: 'Schedule VACUUM (FULL)' }).click()
    await dialog.getByText(/ACCESS EXCLUSIVE lock/).waitFor()
    await keepScreenshot(p, 'pg-maintenance-confirm')
    await dialog.getByRole('button', { name: 'Yes, schedule VACUUM (FULL)' }).click()
    const scheduled = p.getByRole('list', { name: 'Scheduled jobs' }).locator('li[data-status="scheduled"]')
    await scheduled.getByText('VACUUM (FULL) "public"."e2e_items" in database "postgres"').waitFor()
    await scheduled.getByText(/^at .*\b0?3:00/).waitFor()
    await keepScreenshot(p, 'pg-maintenance-scheduled')
    await scheduled.getByRole('button', { name: /^Cancel VACUUM/ }).click()
    await scheduled.waitFor({ state: 'detached' })
    await p.getByRole('list', { name: 'Past jobs' }).locator('li[data-status="cancelled"]').first().waitFor()

    // ANALYZE now: done, in the past jobs; the table's last analyze moves.
    await table.getByRole('button', { name: 'Maintain table e2e_items' }).click()
    const analyze = p.getByRole('dialog', { name: /^Maintenance of/ })
    await analyze.getByRole('radio', { name: 'ANALYZE' }).check()
    await analyze.getByRole('button', { name: 'Run ANALYZE' }).click()
    const done = p.getByRole('list', { name: 'Past jobs' }).locator('li[data-status="done"]', { hasText: 'ANALYZE "public"."e2e_items"' })
    await done.waitFor({ timeout: 20_000 })
    await table.getByRole('button', { name: 'e2e_items', exact: true }).click()
    await p.getByRole('heading', { name: 'public.e2e_items' }).waitFor()
    await keepScreenshot(p, 'pg-maintenance')
    expect(problems).toEqual([])
    await p.close()
  })

  it('lists a statement the test ran, sortable, with its whole text', async () => {
    await pg.query('SELECT count(*) AS e2e_statement_marker FROM e2e_items WHERE id > $1', [10])
    const { page: p, problems } = await instanceTab('statements')
    await p.getByLabel('Search statements').fill('e2e_statement_marker')
    const button = p.getByRole('button', { name: /^Show the statement SELECT count\(\*\) AS e2e_statement_marker/ })
    await button.waitFor()
    await p.getByRole('button', { name: /^Calls/ }).click()
    await expect.poll(() => p.locator('th[aria-sort="descending"]').innerText()).toMatch(/calls/i)
    await button.click()
    const dialog = p.getByRole('dialog', { name: 'Statement' })
    await dialog.getByText('SELECT count(*) AS e2e_statement_marker FROM e2e_items WHERE id > $1').waitFor()
    await dialog.getByRole('button', { name: 'Copy query' }).waitFor()
    await keepScreenshot(p, 'pg-statements')
    await dialog.getByRole('button', { name: 'Done' }).click()
    await p.getByRole('button', { name: 'Reset statistics…' }).waitFor()
    expect(problems).toEqual([])
    await p.close()
  })

  it('keeps every action in the trail, by ui, and works from the keyboard and in the dark theme', async () => {
    const { page: p, problems } = await instanceTab('trail')
    const trail = p.getByRole('table', { name: 'Trail' })
    await trail.getByText(/^Backend \d+ terminated$/).waitFor()
    await trail.getByText(/^Query of backend \d+ cancelled$/).waitFor()
    await trail.getByText("ALTER SYSTEM SET work_mem = '8MB' (was '4MB')").waitFor()
    await trail.getByText(/^VACUUM \(FULL\) "public"\."e2e_items" in database "postgres" cancelled$/).waitFor()
    await trail.getByText(/^ANALYZE "public"\."e2e_items" in database "postgres" finished$/).waitFor()
    expect(await trail.locator('tbody tr td:nth-child(2)').allInnerTexts()).toContain('ui')
    await keepScreenshot(p, 'pg-trail')

    // Arrow keys move between the tabs.
    await p.getByRole('tab', { name: 'Trail' }).focus()
    await p.keyboard.press('ArrowLeft')
    await expect.poll(() => p.getByRole('tab', { name: 'Statements' }).getAttribute('aria-selected')).toBe('true')

    await p.getByRole('link', { name: 'Settings' }).click()
    await p.getByLabel('Theme').selectOption('dark')
    await p.goto(`${vigil.url}/#/postgres/${instanceId}/dashboard`)
    await p.locator('figure[data-panel="tps"] canvas').first().waitFor()
    await keepScreenshot(p, 'pg-dashboard-dark')
    const holder = await open('e2e-dark-holder')
    const waiter = await open('e2e-dark-waiter')
    await holder.client.query("BEGIN; UPDATE e2e_items SET label = 'dark' WHERE id = 2")
    const waiting = waiter.client.query("UPDATE e2e_items SET label = 'dark' WHERE id = 2")
    await p.goto(`${vigil.url}/#/postgres/${instanceId}/activity`)
    await p.getByRole('button', { name: 'Lock tree' }).click()
    await p.locator(`g.lock-edge[data-blocker="${holder.pid}"]`).waitFor()
    await keepScreenshot(p, 'pg-lock-tree-dark')
    await holder.client.query('COMMIT')
    await waiting
    await p.getByRole('link', { name: 'Settings' }).click()
    await p.getByLabel('Theme').selectOption('light')
    expect(problems).toEqual([])
    await p.close()
  })
})
