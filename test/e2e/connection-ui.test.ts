import { join } from 'node:path'
import Database from 'better-sqlite3'
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { keepScreenshot, launchBrowser, watchConsole } from '../helpers/browser'
import { startSshd, type Sshd } from '../helpers/sshd'
import { startVigil, type VigilProcess } from '../helpers/vigil-process'

let vigil: VigilProcess
let sshd: Sshd
let browser: Browser

beforeAll(async () => {
  sshd = await startSshd()
  vigil = await startVigil()
  browser = await launchBrowser()
})
afterAll(async () => {
  await browser?.close()
  await vigil?.stop()
  await sshd?.stop()
})

async function api(method: string, path: string, body?: unknown): Promise<any> {
  const response = await fetch(vigil.url + path, {
    method,
    headers: { Authorization: `Bearer ${vigil.token}`, ...(body ? { 'Content-Type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined
  })
  return response.json()
}

describe('connections in the browser UI', () => {
  it('tests this machine, and accepts a changed SSH host key after review', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } })
    const problems = watchConsole(page)
    await page.goto(vigil.loginUrl)
    await page.getByRole('heading', { name: 'Overview' }).waitFor()
    await page.goto(`${vigil.url}/#/servers`)
    await page.getByText('This machine').waitFor()

    // This machine answers by local exec.
    const local = (await api('GET', '/api/servers/')).servers[0]
    await page.getByRole('button', { name: `Connection of ${local.hostname}` }).click()
    const localDialog = page.getByRole('dialog', { name: `Connection to ${local.hostname}` })
    await localDialog.getByText('Connection test successful.').waitFor()
    await localDialog.getByText(/^Linux /).waitFor()
    await localDialog.getByRole('button', { name: 'Close', exact: true }).last().click()

    // A server whose pinned key is not the one its sshd presents.
    const { server } = await api('POST', '/api/servers/create/', {
      hostname: 'ssh-e2e',
      ip_address: '127.0.0.1',
      ssh_port: sshd.port,
      ssh_username: sshd.user,
      ssh_password: sshd.password,
      monitoring_enabled: false
    })
    const db = new Database(join(vigil.dataDir, 'vigil.db'))
    db.prepare("INSERT INTO host_keys (server_id, algorithm, fingerprint, pinned_at) VALUES (?, 'ssh-ed25519', 'SHA256:OLDKEYOLDKEYOLDKEYOLDKEYOLDKEYOLDKEYOLDKEY0', 0)").run(server.id)
    db.close()
    await api('PUT', `/api/servers/${server.id}/`, { monitoring_enabled: true })

    const row = page.locator('tr[data-hostname="ssh-e2e"]')
    await row.getByText('host key changed').waitFor()
    await row.getByRole('button', { name: 'Connection of ssh-e2e' }).click()
    const dialog = page.getByRole('dialog', { name: 'Connection to ssh-e2e' })
    await dialog.getByText('The host key changed.', { exact: false }).waitFor()
    await dialog.getByText(sshd.hostKeyFingerprint).first().waitFor()
    await keepScreenshot(page, 'host-key-review')
    await dialog.getByRole('button', { name: `Accept ${sshd.hostKeyFingerprint}` }).click()
    await dialog.getByText('Connection test successful.').waitFor()
    await dialog.getByRole('button', { name: 'Close', exact: true }).last().click()
    await row.getByText('collecting').waitFor({ timeout: 20_000 })
    expect((await api('GET', `/api/servers/${server.id}/host-key/`)).pinned.fingerprint).toBe(sshd.hostKeyFingerprint)
    expect(problems).toEqual([])
    await page.close()
  })
})
