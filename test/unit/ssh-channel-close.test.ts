import { EventEmitter } from 'node:events'
import type { ClientChannel } from 'ssh2'
import { describe, expect, it } from 'vitest'
import { onChannelClose } from '../../src/main/base/ssh/session-tasks'

// ssh2 emits 'exit' and then 'close' with the same status. When a fast command's whole answer
// arrives with the packet that opened the channel, 'exit' has fired before anyone listens.
function fakeChannel() {
  return Object.assign(new EventEmitter(), { stderr: new EventEmitter() })
}

function closed(channel: ReturnType<typeof fakeChannel>): Promise<{ code: number | null; signal: string | null }> {
  return new Promise((resolve) => onChannelClose(channel as unknown as ClientChannel, (code, signal) => resolve({ code, signal })))
}

describe('onChannelClose', () => {
  it("takes the exit status from 'close' when 'exit' was missed", async () => {
    const channel = fakeChannel()
    const result = closed(channel)
    channel.emit('close', 0)
    expect(await result).toEqual({ code: 0, signal: null })
  })

  it("takes a signal from 'close' (code null, then the signal's name)", async () => {
    const channel = fakeChannel()
    const result = closed(channel)
    channel.emit('close', null, 'SIGKILL', false, '')
    expect(await result).toEqual({ code: null, signal: 'SIGKILL' })
  })

  it("keeps what 'exit' said when 'close' carries nothing (a server that sends no status on close)", async () => {
    const channel = fakeChannel()
    const result = closed(channel)
    channel.emit('exit', 3)
    channel.emit('close')
    expect(await result).toEqual({ code: 3, signal: null })
  })

  it('reports no status when the server sent none', async () => {
    const channel = fakeChannel()
    const result = closed(channel)
    channel.emit('close', undefined)
    expect(await result).toEqual({ code: null, signal: null })
  })
})
