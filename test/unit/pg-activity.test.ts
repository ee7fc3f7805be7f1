// The activity plugin's pure parts: /proc parsing and rate arithmetic on fixture text, the
// agent's byte formatting, the kill request's validation, and the SQL it runs on every version.
import { describe, expect, it } from 'vitest'
import { humanBytes } from '../../src/main/postgres/activity/backends'
import { parseKillRequest } from '../../src/main/postgres/activity/kill'
import { ACTIVITY_SQL, BLOCKING_SQL, WAITING_SQL } from '../../src/main/postgres/activity/queries'
import {
  computeProcessStats,
  LocalProcReader,
  parseCpuTotals,
  parseMemTotal,
  parsePidIo,
  parsePidStat,
  type ProcSnapshot
} from '../../src/main/postgres/host/process-stats'

/** A /proc/<pid>/stat line: utime field 14, stime 15, starttime 22, rss 24. */
function pidStat(pid: number, comm: string, state: string, utime: number, stime: number, rssPages: number, startTime = 2462046): string {
  const fields = [pid, `(${comm})`, state, 1, pid, pid, 0, -1, 4194560, 2505, 0, 0, 0, utime, stime, 7, 3, 20, 0, 1, 0, startTime, 228864000, rssPages]
  return fields.join(' ') + ' 18446744073709551615 1 1 0 0 0 0 4194304 19935240 0 0 0 17 1 0 0 0 0 0\n'
}

function pidIo(readBytes: number, writeBytes: number): string {
  return `rchar: 6976\nwchar: 0\nsyscr: 10\nsyscw: 0\nread_bytes: ${readBytes}\nwrite_bytes: ${writeBytes}\ncancelled_write_bytes: 0\n`
}

/** /proc/stat of a 2-CPU host whose aggregate line sums (user..steal) to `total`. */
function procStat(total: number): string {
  const idle = total - 475377 - 3415 - 97013 - 7152 - 0 - 8009 - 283
  return [
    `cpu  475377 3415 97013 ${idle} 7152 0 8009 283 12 0`,
    'cpu0 214502 1658 42987 2167486 1340 0 3336 134 0 0',
    'cpu1 260875 1757 54025 2104484 5811 0 4672 149 0 0',
    'intr 38917270 9 0 0',
    'ctxt 72937457',
    'btime 1764001234',
    ''
  ].join('\n')
}

const MEMINFO = 'MemTotal:        8000000 kB\nMemFree:         6000000 kB\nMemAvailable:    7000000 kB\n'

function snapshot(at: number, total: number, pids: Record<number, { stat: string | null; io: string | null }>): ProcSnapshot {
  return { at, stat: procStat(total), meminfo: MEMINFO, pids: new Map(Object.entries(pids).map(([pid, files]) => [Number(pid), files])) }
}

describe('/proc parsing', () => {
  it('reads /proc/<pid>/stat fields after the command name, which may hold spaces and parentheses', () => {
    expect(parsePidStat(pidStat(6285, 'postgres', 'S', 120, 30, 3300))).toEqual({
      comm: 'postgres',
      state: 'S',
      cpuTicks: 150,
      startTime: 2462046,
      rssPages: 3300
    })
    expect(parsePidStat(pidStat(77, 'odd) name (x', 'D', 1, 2, 3))).toMatchObject({ comm: 'odd) name (x', state: 'D', cpuTicks: 3, rssPages: 3 })
  })

  it('gives null for a truncated or garbled stat line', () => {
    expect(parsePidStat('')).toBeNull()
    expect(parsePidStat('6285 (postgres) S 1 6285')).toBeNull()
    expect(parsePidStat(pidStat(1, 'postgres', 'S', 1, 2, 3).replace(' 3 18446744073709551615', ' x 18446744073709551615'))).toBeNull()
    expect(parsePidStat('6285 postgres S')).toBeNull()
  })

  it('reads read_bytes and write_bytes of /proc/<pid>/io', () => {
    expect(parsePidIo(pidIo(4096, 8192))).toEqual({ readBytes: 4096, writeBytes: 8192 })
    expect(parsePidIo('rchar: 1\nwchar: 2\n')).toBeNull()
  })

  it('sums the aggregate cpu line of /proc/stat without guest time, and counts the CPUs', () => {
    expect(parseCpuTotals(procStat(5_000_000))).toEqual({ totalTicks: 5_000_000, cpus: 2 })
    expect(parseCpuTotals('intr 1 2 3\n')).toBeNull()
    expect(parseCpuTotals('cpu  1 2 3 4\n')).toBeNull() // no cpuN line: no CPU count
  })

  it('reads MemTotal in bytes', () => {
    expect(parseMemTotal(MEMINFO)).toBe(8_000_000 * 1024)
    expect(parseMemTotal('MemFree: 1 kB\n')).toBeNull()
  })
})

describe('computeProcessStats', () => {
  const PAGE = 4096

  it('turns two snapshots into percent of one CPU, percent of RAM, bytes per second and I/O wait', () => {
    // 2 CPUs, 100 ticks of one CPU elapse (200 ticks in all): 25 ticks of the process = 25 %.
    const before = snapshot(10, 5_000_000, { 6285: { stat: pidStat(6285, 'postgres', 'S', 100, 50, 1000), io: pidIo(0, 0) } })
    const after = snapshot(10.5, 5_000_200, { 6285: { stat: pidStat(6285, 'postgres', 'D', 120, 55, 2000), io: pidIo(1024, 3 * 1024 * 1024) } })
    const stats = computeProcessStats(before, after, PAGE)
    expect(stats.get(6285)).toEqual({
      cpu: 25,
      memory: Math.round(((100 * 2000 * PAGE) / (8_000_000 * 1024)) * 100) / 100,
      readBytesPerSecond: 2048,
      writeBytesPerSecond: 6 * 1024 * 1024,
      ioWait: true
    })
  })

  it('leaves I/O rates null when /proc/<pid>/io was unreadable, and keeps the rest', () => {
    const before = snapshot(1, 5_000_000, { 7: { stat: pidStat(7, 'postgres', 'S', 0, 0, 10), io: null } })
    const after = snapshot(1.25, 5_000_100, { 7: { stat: pidStat(7, 'postgres', 'R', 5, 0, 10), io: null } })
    expect(computeProcessStats(before, after, PAGE).get(7)).toEqual({
      cpu: 10,
      memory: 0,
      readBytesPerSecond: null,
      writeBytesPerSecond: null,
      ioWait: false
    })
  })

  it('leaves memory null without a page size or MemTotal, cpu null without /proc/stat', () => {
    const before = snapshot(1, 5_000_000, { 7: { stat: pidStat(7, 'postgres', 'S', 0, 0, 10), io: pidIo(0, 0) } })
    const after = { ...snapshot(2, 5_000_100, { 7: { stat: pidStat(7, 'postgres', 'S', 5, 0, 10), io: pidIo(0, 0) } }), stat: null, meminfo: null }
    expect(computeProcessStats(before, after, PAGE).get(7)).toMatchObject({ cpu: null, memory: null, readBytesPerSecond: 0 })
    expect(computeProcessStats(before, snapshot(2, 5_000_100, { 7: { stat: pidStat(7, 'postgres', 'S', 5, 0, 10), io: null } }), null).get(7)?.memory).toBeNull()
  })

  it('leaves out pids that are gone, not PostgreSQL processes, or reused between the snapshots', () => {
    const before = snapshot(1, 5_000_000, {
      1: { stat: pidStat(1, 'postgres', 'S', 0, 0, 10), io: null },
      2: { stat: pidStat(2, 'systemd', 'S', 0, 0, 10), io: null },
      3: { stat: pidStat(3, 'postgres', 'S', 0, 0, 10, 500), io: null },
      4: { stat: pidStat(4, 'postmaster', 'S', 0, 0, 10), io: null }
    })
    const after = snapshot(2, 5_000_100, {
      1: { stat: null, io: null },
      2: { stat: pidStat(2, 'systemd', 'S', 1, 0, 10), io: null },
      3: { stat: pidStat(3, 'postgres', 'S', 1, 0, 10, 900), io: null },
      4: { stat: pidStat(4, 'postmaster', 'S', 1, 0, 10), io: null }
    })
    expect([...computeProcessStats(before, after, PAGE).keys()]).toEqual([4])
  })
})

describe('LocalProcReader', () => {
  it('reads this host’s /proc files and the page size', async () => {
    const reader = new LocalProcReader()
    const snap = await reader.snapshot([process.pid, 2_147_483_647])
    expect(parseCpuTotals(snap.stat ?? '')).not.toBeNull()
    expect(parseMemTotal(snap.meminfo ?? '')).toBeGreaterThan(0)
    expect(parsePidStat(snap.pids.get(process.pid)?.stat ?? '')).toMatchObject({ comm: expect.any(String) })
    expect(snap.pids.get(2_147_483_647)).toEqual({ stat: null, io: null })
    expect(await reader.pageSize()).toBeGreaterThanOrEqual(4096)
  })
})

describe('humanBytes', () => {
  it('writes byte rates as the agent does: 2 decimals and the largest binary unit reached', () => {
    expect(humanBytes(0)).toBe('0.00B')
    expect(humanBytes(1023)).toBe('1023.00B')
    expect(humanBytes(1024)).toBe('1.00K')
    expect(humanBytes(1536)).toBe('1.50K')
    expect(humanBytes(5 * 1024 ** 2)).toBe('5.00M')
    expect(humanBytes(1.25 * 1024 ** 3)).toBe('1.25G')
    expect(humanBytes(-2048)).toBe('-2.00K')
  })
})

describe('parseKillRequest', () => {
  it('takes a list of pids, duplicates dropped', () => {
    expect(parseKillRequest({ pids: [13309, 42, 13309] })).toEqual([13309, 42])
    expect(parseKillRequest({ pids: [] })).toEqual([])
  })

  it("refuses a body without pids with the agent's message", () => {
    for (const body of [undefined, null, 'pids', [1], {}, { pid: [1] }]) {
      expect(() => parseKillRequest(body)).toThrow("Parameter 'pids' not sent.")
    }
  })

  it("refuses malformed pids with the agent's message, as a validation error", () => {
    for (const pids of [13309, '13309', ['13309'], [1.5], [0], [-4], [2_147_483_648], [null], [true], [{}], { 0: 1 }]) {
      let thrown: unknown
      try {
        parseKillRequest({ pids })
      } catch (error) {
        thrown = error
      }
      expect(thrown, JSON.stringify(pids)).toMatchObject({ code: 'validation', message: "Parameter 'pids' is malformed.", field: 'pids' })
    }
  })
})

describe('activity SQL', () => {
  // One text serves 13 to 18: each reads only columns and functions every supported version has.
  it('lists client backends other than this session, with what the rows need', () => {
    expect(ACTIVITY_SQL).toContain("a.backend_type = 'client backend'")
    expect(ACTIVITY_SQL).toContain('a.pid <> pg_catalog.pg_backend_pid()')
    expect(ACTIVITY_SQL).toContain("wait_event_type IS NOT DISTINCT FROM 'Lock'")
    expect(ACTIVITY_SQL).toMatch(/pg_catalog\.host\(a\.client_addr\) AS client/)
  })

  it('takes waiting locks from pg_locks and blockers from pg_blocking_pids()', () => {
    expect(WAITING_SQL).toMatch(/WHERE NOT l\.granted/)
    expect(BLOCKING_SQL).toContain('pg_catalog.pg_blocking_pids(w.pid)')
    for (const column of ['locktype', 'database', 'relation', 'page', 'tuple', 'virtualxid', 'transactionid', 'classid', 'objid', 'objsubid']) {
      expect(BLOCKING_SQL).toContain(`w.${column}`)
    }
  })

  it('uses no column added or removed between PostgreSQL 13 and 18', () => {
    // pg_locks.waitstart (14), pg_stat_activity.query_id (14) and leader_pid (13) are not needed.
    for (const sql of [ACTIVITY_SQL, WAITING_SQL, BLOCKING_SQL]) {
      expect(sql).not.toMatch(/waitstart|query_id|leader_pid|\bwaiting\b/)
    }
  })
})
