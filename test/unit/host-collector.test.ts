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

describe('HostCollector report loop (netstat and process in one stream)', () => {
  const NETDEV = (packets: number): string =>
    'Inter-|   Receive                                                |  Transmit\n' +
    ' face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed\n' +
    `  eth0: 1000 ${packets} 0 0 0 0 0 0 2000 ${packets * 2} 0 0 0 0 0 0\n`
  const PS = '    PID USER                             %CPU %MEM COMMAND\n      1 root                              2.5  0.1 /sbin/init\n'
  const round = (packets: number, ps = PS): string =>
    `:vigil-report: netstat procnetdev\n${NETDEV(packets)}:vigil-report: process\n${ps}:vigil-report: end\n`

  interface FakeStream {
    command: string
    onData: (chunk: string) => void
    onEnd: (end: { code: number | null; error: string | null; stderr?: string }) => void
    closed: boolean
  }

  /** A Linux host whose streams do only what the test makes them do. */
  function setup(intervalSeconds = 5, now?: () => number) {
    const streams: FakeStream[] = []
    const records: Array<{ metric: string; ts: number; rows: Array<Record<string, unknown>> }> = []
    const states: Array<[CollectionState, string | null]> = []
    const runner: ConnectedRunner = {
      exec: async (command) => (command.includes('uname') ? { stdout: 'Linux\n', stderr: '', code: 0 } : new Promise(() => {})),
      stream: (command, onData, onEnd) => {
        const stream: FakeStream = { command, onData, onEnd, closed: false }
        streams.push(stream)
        return { close: () => void (stream.closed = true) }
      },
      close: () => {}
    }
    const collector = new HostCollector({
      serverId: 's',
      intervalSeconds,
      connect: (_onState, onReady) => {
        queueMicrotask(onReady)
        return runner
      },
      detectOs,
      planFor: (os, interval) => planFor(os, interval, 5),
      interfaceRates,
      record: (metric, ts, rows) => records.push({ metric, ts, rows: rows as Array<Record<string, unknown>> }),
      setState: (state, error) => states.push([state, error]),
      now
    })
    const loops = (): FakeStream[] => streams.filter((stream) => stream.command.includes(':vigil-report:'))
    const loop = (): FakeStream => {
      const open = loops().filter((stream) => !stream.closed)
      expect(open).toHaveLength(1)
      return open[0] as FakeStream
    }
    return { collector, streams, records, states, loops, loop, error: () => states.at(-1)?.[1] ?? null }
  }

  it('opens one stream for both (no exec per interval) and records each section as its metric, the time being when it completed', async () => {
    const t = setup()
    t.collector.start()
    await vi.advanceTimersByTimeAsync(0)
    expect(t.streams.map((stream) => stream.command)).toEqual([
      expect.stringContaining('vmstat -n -a 5'),
      'LC_ALL=C iostat -d -k -x -y 5',
      expect.stringMatching(/^LC_ALL=C; export LC_ALL; while :; do if \[ -r \/proc\/net\/dev \].* head -n 6; .* sleep 5; done$/)
    ])
    const start = Date.now()
    t.loop().onData(`:vigil-report: netstat procnetdev\n${NETDEV(100)}`)
    expect(t.records).toEqual([])
    await vi.advanceTimersByTimeAsync(700)
    t.loop().onData(`:vigil-report: proc`)
    expect(t.records).toEqual([])
    t.loop().onData(`ess\n${PS}`)
    expect(t.records).toEqual([
      { metric: 'netstat', ts: start + 700, rows: [expect.objectContaining({ interface: 'eth0', ipkts: 100, opkts: 200, ipkts_rate: null })] }
    ])
    t.loop().onData(':vigil-report: end\n')
    expect(t.records[1]).toEqual({ metric: 'process', ts: start + 700, rows: [{ pid: 1, user: 'root', cpu: 2.5, mem: 0.1, command: '/sbin/init' }] })

    // The next round, an interval later: rates from the counters' deltas.
    await vi.advanceTimersByTimeAsync(5000)
    t.loop().onData(round(600))
    expect(t.records.slice(2).map((record) => record.metric)).toEqual(['netstat', 'process'])
    expect(t.records[2]?.rows[0]).toMatchObject({ ipkts: 600, ipkts_rate: 100, opkts_rate: 200 })
    expect(t.error()).toBeNull()
    await t.collector.stop()
    expect(t.streams.every((stream) => stream.closed)).toBe(true)
  })

  it('shows a report that does not read as its metric’s problem, the other metric unaffected, until it reads again', async () => {
    const t = setup()
    t.collector.start()
    await vi.advanceTimersByTimeAsync(0)
    t.loop().onData(round(1, 'ps: error: unsupported option (BSD syntax)\n'))
    expect(t.error()).toBe('process: not ps output (no "PID USER … COMMAND" header); it starts with: ps: error: unsupported option (BSD syntax)')
    expect(t.records.map((record) => record.metric)).toEqual(['netstat'])
    // A line that does not read is shown, with the rows that did read recorded.
    t.loop().onData(round(2, `${PS}garbage line\n`))
    expect(t.error()).toMatch(/^process: a line does not match its header ".*": garbage line$/)
    expect(t.records.at(-1)).toMatchObject({ metric: 'process', rows: [{ pid: 1 }] })
    t.loop().onData(round(3))
    expect(t.error()).toBeNull()
    await t.collector.stop()
  })

  it('falls back to netstat -i, at once and without an error, when /proc/net/dev does not read', async () => {
    const t = setup()
    t.collector.start()
    await vi.advanceTimersByTimeAsync(0)
    const first = t.loop()
    first.onData(round(1).replace(NETDEV(1), 'this is not /proc/net/dev\n'))
    expect(first.closed).toBe(true)
    const fallback = t.loop()
    expect(fallback.command).toMatch(/^LC_ALL=C; export LC_ALL; while :; do echo ':vigil-report: netstat netstat' \|\| exit; netstat -i 2>&1; /)
    // What the closed stream still says is not heard (its process section came after the switch).
    expect(t.records).toEqual([])
    fallback.onData(
      ':vigil-report: netstat netstat\nKernel Interface table\nIface      MTU    RX-OK RX-ERR RX-DRP RX-OVR    TX-OK TX-ERR TX-DRP TX-OVR Flg\n' +
        `eth0      1500      10      0      0 0          20      0      0      0 BMRU\n:vigil-report: process\n${PS}:vigil-report: end\n`
    )
    expect(t.records.map((record) => [record.metric, record.rows[0]?.['interface'] ?? record.rows[0]?.['pid']])).toEqual([
      ['netstat', 'eth0'],
      ['process', 1]
    ])
    expect(t.error()).toBeNull()
    // The fallback failing as well is shown like any other report that does not read.
    fallback.onData(':vigil-report: netstat netstat\nsh: 1: netstat: not found\n:vigil-report: end\n')
    expect(t.error()).toBe('netstat: not netstat -i ("Iface … RX-OK RX-ERR TX-OK TX-ERR" or "Name … Ipkts Ierrs Opkts Oerrs") output; it starts with: sh: 1: netstat: not found')
    expect(t.loops()).toHaveLength(2)
    await t.collector.stop()
  })

  it('computes netstat\'s rates over the times its rows are stored with, whatever the clock does between reads', async () => {
    // A clock that moves at every read, a millisecond more each time.
    let clock = Date.now()
    let reads = 0
    const t = setup(5, () => (clock += ++reads))
    t.collector.start()
    await vi.advanceTimersByTimeAsync(0)
    t.loop().onData(round(100))
    clock += 4989
    t.loop().onData(round(600))
    const [first, second] = t.records.filter((record) => record.metric === 'netstat')
    expect(second?.rows[0]?.ipkts_rate).toBe(500 / (((second?.ts as number) - (first?.ts as number)) / 1000))
    await t.collector.stop()
  })

  it('reads the interface counters from netstat -i when the shell found no /proc/net/dev (the marker says so), with rates', async () => {
    const t = setup()
    t.collector.start()
    await vi.advanceTimersByTimeAsync(0)
    const netstat = (ok: number): string =>
      `:vigil-report: netstat netstat\nKernel Interface table\nIface      MTU    RX-OK RX-ERR RX-DRP RX-OVR    TX-OK TX-ERR TX-DRP TX-OVR Flg\n` +
      `eth0      1500   ${ok}      0      0 0          20      0      0      0 BMRU\n:vigil-report: process\n${PS}:vigil-report: end\n`
    t.loop().onData(netstat(10))
    await vi.advanceTimersByTimeAsync(5000)
    t.loop().onData(netstat(60))
    expect(t.loops()).toHaveLength(1) // no fallback needed: the loop itself chose netstat -i
    expect(t.records.filter((record) => record.metric === 'netstat').map((record) => record.rows[0])).toEqual([
      expect.objectContaining({ interface: 'eth0', ipkts: 10, ipkts_rate: null }),
      expect.objectContaining({ interface: 'eth0', ipkts: 60, ipkts_rate: 10 })
    ])
    expect(t.error()).toBeNull()
    await t.collector.stop()
  })

  it('shows the loop ending for both metrics and starts it again after STREAM_RESTART_MS, like vmstat and iostat', async () => {
    const t = setup()
    t.collector.start()
    await vi.advanceTimersByTimeAsync(0)
    t.loop().onData(round(1))
    t.loop().onEnd({ code: 0, error: null, stderr: 'sh: 1: sleep: not found\n' })
    expect(t.error()).toBe('netstat, process: the netstat/ps report loop ended: sh: 1: sleep: not found')
    expect(t.loops().filter((stream) => !stream.closed)).toHaveLength(1) // the fake does not mark an ended stream closed
    await vi.advanceTimersByTimeAsync(STREAM_RESTART_MS - 1)
    expect(t.loops()).toHaveLength(1)
    await vi.advanceTimersByTimeAsync(1)
    expect(t.loops()).toHaveLength(2)
    t.loops()[1]?.onData(round(2))
    expect(t.error()).toBeNull()
    await t.collector.stop()
  })

  it('notices a loop gone silent (ps hanging): a problem for its metrics after max(30 s, 3 intervals), and a new loop', async () => {
    const t = setup()
    t.collector.start()
    await vi.advanceTimersByTimeAsync(0)
    t.loop().onData(round(1))
    // Then the next round hangs in ps: its netstat section came, its process section never ends.
    await vi.advanceTimersByTimeAsync(5000)
    t.loop().onData(`:vigil-report: netstat procnetdev\n${NETDEV(2)}:vigil-report: process\n`)
    await vi.advanceTimersByTimeAsync(24_999)
    expect(t.loops()).toHaveLength(1)
    expect(t.error()).toBeNull()
    await vi.advanceTimersByTimeAsync(1)
    const [first, second] = t.loops()
    expect(first?.closed).toBe(true)
    expect(second?.closed).toBe(false)
    // Only process was silent for 30 s (netstat reported 5 s in).
    expect(t.error()).toBe('process: no report from the netstat/ps report loop for 30 s: it was started again')
    // The new loop says nothing either: both metrics, said once, and another loop.
    await vi.advanceTimersByTimeAsync(29_999)
    expect(t.loops()).toHaveLength(2)
    await vi.advanceTimersByTimeAsync(1)
    expect(t.error()).toBe('netstat, process: no report from the netstat/ps report loop for 30 s: it was started again')
    expect(t.loops()).toHaveLength(3)
    const third = t.loop()
    // The new loop reports: every problem gone, and the old one's late output is not heard.
    first?.onData(`${PS}:vigil-report: end\n`)
    second?.onData(round(3))
    expect(t.records.filter((record) => record.metric === 'process')).toHaveLength(1)
    third.onData(round(4))
    expect(t.error()).toBeNull()
    // A loop that keeps reporting is left alone.
    for (let i = 0; i < 20; i++) {
      await vi.advanceTimersByTimeAsync(5000)
      third.onData(round(5 + i))
    }
    expect(t.loops()).toHaveLength(3)
    expect(t.error()).toBeNull()
    await t.collector.stop()
  })

  it('waits three intervals before calling a slow loop silent', async () => {
    const t = setup(20)
    t.collector.start()
    await vi.advanceTimersByTimeAsync(0)
    await vi.advanceTimersByTimeAsync(59_999)
    expect(t.loops()).toHaveLength(1)
    await vi.advanceTimersByTimeAsync(1)
    expect(t.loops()).toHaveLength(2)
    expect(t.error()).toBe('netstat, process: no report from the netstat/ps report loop for 60 s: it was started again')
    await t.collector.stop()
  })
})
