// The report loop (netstat and ps every interval in one long-running shell loop, commands.ts)
// collected by the real HostCollector, over a real sshd and by local exec: its reports are
// recorded, and once the collector stops nothing of the loop is left running on the host.
import { execFile } from 'node:child_process'
import { userInfo } from 'node:os'
import { promisify } from 'node:util'
import { afterAll, describe, expect, it } from 'vitest'
import { MemoryHostKeyStore } from '../../src/main/base/ssh'
import { connectLocal, connectSsh } from '../../src/main/metrics/collection/connectors'
import { HostCollector, type ConnectedRunner } from '../../src/main/metrics/collection/host-collector'
import { planFor } from '../../src/main/metrics/collection/plan'
import { detectOs, interfaceRates } from '../../src/main/metrics/parsers'
import type { CollectionState } from '../../src/shared/servers'
import { canRunSshd, startSshd, type Sshd } from '../helpers/sshd'

const run = promisify(execFile)

/** Pids of the processes of `user` whose command line matches `pattern` (pgrep -f). */
async function pgrep(args: string[]): Promise<number[]> {
  try {
    const { stdout } = await run('pgrep', args)
    return stdout.split('\n').filter(Boolean).map(Number)
  } catch {
    return [] // pgrep exits 1 when nothing matches
  }
}

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

/** Polls until `check` holds, failing past the deadline with what it last saw. */
async function until<T>(what: string, probe: () => Promise<T> | T, check: (value: T) => boolean, deadlineMs = 20_000): Promise<T> {
  const deadline = Date.now() + deadlineMs
  for (;;) {
    const value = await probe()
    if (check(value)) return value
    if (Date.now() > deadline) throw new Error(`${what}: still ${JSON.stringify(value)} after ${deadlineMs} ms`)
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
}

/**
 * Collects with the real collector and plan until the loop delivered two rounds, then stops it
 * and waits for the loop's shell and everything it started (ps, sleep) to be gone. `topN` makes
 * the loop's command line this test's own (`head -n <topN + 1>;`), for pgrep.
 */
async function collectAndStop(connect: (onState: (state: CollectionState, error: string | null) => void, onReady: () => void) => ConnectedRunner, user: string, topN: number) {
  const records: Array<{ metric: string; rows: Array<Record<string, unknown>> }> = []
  const states: Array<[CollectionState, string | null]> = []
  const collector = new HostCollector({
    serverId: 'loop',
    intervalSeconds: 1,
    connect,
    detectOs,
    planFor: (os, interval) => planFor(os, interval, topN),
    interfaceRates,
    record: (metric, _ts, rows) => records.push({ metric, rows: rows as Array<Record<string, unknown>> }),
    setState: (state, error) => states.push([state, error])
  })
  const pattern = `head -n ${topN + 1}; echo ':vigil-report: end'`
  collector.start()
  try {
    const count = (metric: string) => records.filter((record) => record.metric === metric).length
    await until('netstat and process reports', () => [count('netstat'), count('process')], ([netstat = 0, processes = 0]) => netstat >= 2 && processes >= 2)
    const netstat = records.filter((record) => record.metric === 'netstat')
    expect(netstat[0]?.rows.map((row) => row['interface'])).toContain('lo')
    // From the second report on, rates from the counters' deltas.
    expect(netstat[1]?.rows.find((row) => row['interface'] === 'lo')).toMatchObject({ ipkts_rate: expect.any(Number) })
    const processes = records.find((record) => record.metric === 'process')?.rows ?? []
    expect(processes.length).toBeGreaterThan(0)
    expect(processes.length).toBeLessThanOrEqual(topN)
    expect(states.at(-1)).toEqual(['collecting', null])

    const shells = await pgrep(['-u', user, '-f', pattern])
    expect(shells).toHaveLength(1)
    const children = (await Promise.all(shells.map((pid) => pgrep(['-P', String(pid)])))).flat()
    await collector.stop()
    // The shell, and whatever it was running (sleep 1, ps), are gone: polled, with a deadline.
    await until('the loop after stop', () => [...shells, ...children].filter(alive), (left) => left.length === 0)
    expect(await pgrep(['-u', user, '-f', pattern])).toEqual([])
  } finally {
    await collector.stop()
  }
}

describe('the report loop on this host, by local exec', () => {
  it('records netstat (from /proc/net/dev) and process every interval, and leaves nothing running after stop', async () => {
    await collectAndStop(connectLocal, userInfo().username, 9)
  })
})

describe.runIf(canRunSshd())('the report loop over a real sshd', () => {
  let sshd: Sshd | undefined
  afterAll(async () => {
    await sshd?.stop()
  })

  it('records netstat and process every interval, and the remote loop dies when its channel closes', async () => {
    sshd = await startSshd()
    const hostKeys = Object.assign(new MemoryHostKeyStore(), { recordPresented: () => {} })
    const connect = connectSsh({ serverId: 'loop', host: sshd.host, port: sshd.port, username: sshd.user, password: sshd.password }, hostKeys)
    await collectAndStop(connect, sshd.user, 7)
  })
})
