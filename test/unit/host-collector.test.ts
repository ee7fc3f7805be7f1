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

describe('HostCollector streams', () => {
  /** A runner on which every stream ends at once as `end` says; exec answers uname only. */
  function endingRunner(end: { code: number; error: string | null; stderr: string }, opened: string[]): ConnectedRunner {
    return {
      exec: async (command) => (command.includes('uname') ? { stdout: 'Linux\n', stderr: '', code: 0 } : new Promise(() => {})),
      stream: (command, _onData, onEnd) => {
        opened.push(command)
        queueMicrotask(() => onEnd(end))
        return { close: () => {} }
      },
      close: () => {}
    }
  }

  function collect(runner: ConnectedRunner, states: Array<[CollectionState, string | null]>): HostCollector {
    return new HostCollector({
      serverId: 's',
      intervalSeconds: 5,
      connect: (_onState, onReady) => {
        queueMicrotask(onReady)
        return runner
      },
      detectOs,
      planFor: (os, interval) => planFor(os, interval, 5),
      interfaceRates,
      record: () => {},
      setState: (state, error) => states.push([state, error])
    })
  }

  it('shows a command that ended by itself, even with status 0 (a pipeline), with what it printed', async () => {
    const states: Array<[CollectionState, string | null]> = []
    const opened: string[] = []
    const collector = collect(endingRunner({ code: 0, error: null, stderr: 'sh: 1: vmstat: not found\n' }, opened), states)
    collector.start()
    await vi.advanceTimersByTimeAsync(0)
    expect(states.at(-1)?.[1]).toMatch(/^vmstat: `LC_ALL=C vmstat -n -a 5 .*` ended: sh: 1: vmstat: not found/)
    await collector.stop()
  })

  it('switches iostat to its fallback when the command refuses -y, at once and without an error', async () => {
    const states: Array<[CollectionState, string | null]> = []
    const opened: string[] = []
    const usage = 'Usage: iostat [ options ] [ <interval> [ <count> ] ]\nOptions are:\n[ -c ] [ -d ] [ -h ] [ -N ] [ -k | -m ] [ -t ] [ -V ] [ -x ] [ -z ]'
    const collector = collect(endingRunner({ code: 1, error: usage, stderr: usage }, opened), states)
    collector.start()
    await vi.advanceTimersByTimeAsync(0)
    expect(opened.filter((command) => command.includes('iostat'))).toEqual(['LC_ALL=C iostat -d -k -x -y 5', 'LC_ALL=C iostat -d -k -x 5'])
    // The fallback failing too is an error like any other, said with what it printed.
    expect(states.at(-1)?.[1]).toContain('iostat: `LC_ALL=C iostat -d -k -x 5` ended: Usage: iostat')
    await collector.stop()
  })
})
