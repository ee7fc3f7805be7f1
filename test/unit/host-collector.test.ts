import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { HostCollector, STREAM_RESTART_MS, type ConnectedRunner } from '../../src/main/metrics/collection/host-collector'
import { detectOs, interfaceRates } from '../../src/main/metrics/parsers'
import { planFor } from '../../src/main/metrics/collection/plan'
import type { CollectionState } from '../../src/shared/servers'

beforeEach(() => {
  vi.useFakeTimers()
})
afterEach(() => {
  vi.useRealTimers()
})

/** A runner whose `uname` fails `failures` times, and whose other commands never answer. */
function flakyRunner(failures: number): ConnectedRunner {
  let left = failures
  return {
    exec: async (command) => {
      if (command.includes('uname')) {
        if (left-- > 0) throw new Error('timed out')
        return { stdout: 'Linux\n', stderr: '', code: 0 }
      }
      return new Promise(() => {})
    },
    stream: () => ({ close: () => {} }),
    close: () => {}
  }
}

describe('HostCollector', () => {
  it('retries OS detection that failed on a live connection, and says what happened meanwhile', async () => {
    const states: Array<[CollectionState, string | null]> = []
    const collector = new HostCollector({
      serverId: 's',
      intervalSeconds: 5,
      connect: (_onState, onReady) => {
        queueMicrotask(onReady)
        return flakyRunner(1)
      },
      detectOs,
      planFor: (os, interval) => planFor(os, interval, 5),
      interfaceRates,
      record: () => {},
      setState: (state, error) => states.push([state, error])
    })
    collector.start()
    await vi.advanceTimersByTimeAsync(0)
    expect(states.at(-1)).toEqual(['error', 'Could not run uname: timed out'])
    await vi.advanceTimersByTimeAsync(STREAM_RESTART_MS)
    expect(states.at(-1)).toEqual(['collecting', null])
    await collector.stop()
  })
})
