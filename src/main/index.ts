import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { app, BrowserWindow, ipcMain, shell, type WebContents, type WebFrameMain } from 'electron'
import { isChannel, isTopic, type Outcome } from '../shared/contract'
import { createApp, type VigilApp } from './app'
import { resolveConfig } from './config'
import { DESKTOP_OWNER, invoke } from './handlers'
import { limitHeapGrowth } from './heap-growth'
import { safeStorageKeyWrapper } from './safe-storage'

// The Electron shell, and the only module that touches Electron (with safe-storage.ts).
// Everything it starts is the same core `vigil serve` runs, so it stays this thin.

const rendererIndex = join(__dirname, '../renderer/index.html')
const devServerUrl = process.env.ELECTRON_RENDERER_URL

function isTrustedFrame(frame: WebFrameMain | null): boolean {
  if (!frame) return false
  if (devServerUrl && frame.url.startsWith(devServerUrl)) return true
  return frame.url.split('#')[0] === pathToFileURL(rendererIndex).href
}

function registerIpc(core: VigilApp): void {
  ipcMain.handle('vigil:invoke', async (event, channel: unknown, req: unknown): Promise<Outcome<unknown>> => {
    if (!isTrustedFrame(event.senderFrame)) {
      return { ok: false, error: { code: 'forbidden', message: 'IPC from an untrusted frame' } }
    }
    if (!isChannel(channel)) return { ok: false, error: { code: 'not_found', message: `Unknown channel '${String(channel)}'` } }
    return invoke(core.handlers, channel, req as never, DESKTOP_OWNER, (error) => console.error(`[vigil] ${channel} failed`, error))
  })

  const subscriptions = new Map<WebContents, Map<string, () => void>>()
  ipcMain.on('vigil:subscribe', (event, topic: unknown, subscribe: unknown) => {
    if (!isTrustedFrame(event.senderFrame) || !isTopic(topic)) return
    const sender = event.sender
    let topics = subscriptions.get(sender)
    if (!topics) {
      topics = new Map()
      subscriptions.set(sender, topics)
      sender.once('destroyed', () => {
        for (const unsubscribe of subscriptions.get(sender)?.values() ?? []) unsubscribe()
        subscriptions.delete(sender)
      })
    }
    if (subscribe && !topics.has(topic)) {
      topics.set(topic, core.bus.subscribe(topic, (payload) => sender.send('vigil:event', topic, payload)))
    } else if (!subscribe) {
      topics.get(topic)?.()
      topics.delete(topic)
    }
  })
}

function openExternally(url: string): void {
  if (/^https?:\/\//i.test(url)) void shell.openExternal(url)
}

function createWindow(): BrowserWindow {
  const window = new BrowserWindow({
    width: 1280,
    height: 800,
    minWidth: 900,
    minHeight: 560,
    show: false,
    title: 'Vigil',
    webPreferences: {
      preload: join(__dirname, '../preload/index.js'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      spellcheck: false
    }
  })
  window.once('ready-to-show', () => window.show())
  window.webContents.setWindowOpenHandler(({ url }) => {
    openExternally(url)
    return { action: 'deny' }
  })
  window.webContents.on('will-navigate', (event, url) => {
    if (devServerUrl && url.startsWith(devServerUrl)) return
    event.preventDefault()
    openExternally(url)
  })
  if (devServerUrl) void window.loadURL(devServerUrl)
  else void window.loadFile(rendererIndex)
  return window
}

async function start(): Promise<void> {
  await app.whenReady()
  const config = resolveConfig({
    dataDir: app.getPath('userData'),
    rendererDir: join(__dirname, '../renderer'),
    vendorDir: join(__dirname, '../vendor'),
    version: app.getVersion()
  })
  limitHeapGrowth()
  const core = await createApp(config, { keyWrapper: safeStorageKeyWrapper() })
  for (const notice of core.notices) console.warn(`[vigil] ${notice}`)
  try {
    await core.listen()
  } catch (error) {
    // The desktop UI does not need the API; scripts do. Say so rather than refuse to start.
    console.error(`[vigil] the local API could not listen on ${config.host}:${config.port}:`, error)
  }
  registerIpc(core)
  createWindow()
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) createWindow()
  })
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit()
  })
  app.on('will-quit', () => void core.close())
}

if (!app.requestSingleInstanceLock()) app.quit()
else
  start().catch((error: unknown) => {
    console.error('[vigil] failed to start', error)
    app.exit(1)
  })
