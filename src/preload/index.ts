import { contextBridge, ipcRenderer } from 'electron'
import { isChannel, isTopic, type VigilBridge } from '../shared/contract'

// The renderer's only door to the core: one frozen object, channels and topics checked here
// and again in main.

const listeners = new Map<string, Set<(payload: unknown) => void>>()

ipcRenderer.on('vigil:event', (_event, topic: string, payload: unknown) => {
  for (const listener of listeners.get(topic) ?? []) listener(payload)
})

const bridge: VigilBridge = {
  invoke(channel, req) {
    if (!isChannel(channel)) return Promise.reject(new Error(`Unknown channel '${String(channel)}'`))
    return ipcRenderer.invoke('vigil:invoke', channel, req)
  },
  subscribe(topic, listener) {
    if (!isTopic(topic)) throw new Error(`Unknown topic '${String(topic)}'`)
    let set = listeners.get(topic)
    if (!set) {
      set = new Set()
      listeners.set(topic, set)
      ipcRenderer.send('vigil:subscribe', topic, true)
    }
    const wrapped = listener as (payload: unknown) => void
    set.add(wrapped)
    return () => {
      set.delete(wrapped)
      if (set.size === 0) {
        listeners.delete(topic)
        ipcRenderer.send('vigil:subscribe', topic, false)
      }
    }
  }
}

contextBridge.exposeInMainWorld('vigil', Object.freeze(bridge))
