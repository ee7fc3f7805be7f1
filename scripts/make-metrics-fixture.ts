// Writes test/fixtures/metrics-data-dir-v9.db.gz: a data dir's vigil.db as the current release
// (schema 9, metrics in their own tables) leaves it, for the series conversion's tests. It goes
// through the release's own path — openDb, MetricsWriter over createMetricsRepo, and
// MetricsMaintenance every ten simulated minutes — from a small deterministic generator: two
// servers (Linux, AIX) every 60 s for 5 hours, disks and interfaces, processes whose pids come
// and go (one pid reused by another command), a few missing values, a collector gap. Raw
// retention is 2 hours, so the older minute and hour roll-ups outlive their raw rows, as the
// 30- and 400-day roll-ups outlive 7 days of raw rows in a real data dir.
//
//   npx tsx scripts/make-metrics-fixture.ts [out.db.gz]
import { gzipSync } from 'node:zlib'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { EventBus } from '../src/main/base/bus'
import { openDb } from '../src/main/base/db/db'
import { MIGRATIONS } from '../src/main/base/db/migrations'
import { MetricsMaintenance } from '../test/legacy/metrics-maintenance-v9'
import { createMetricsRepo } from '../test/legacy/metrics-repo-v9'
import type { SampleValues } from '../src/main/metrics/samples'
import { MetricsWriter } from '../test/legacy/metrics-writer-v9'
import { seededRandom as random } from '../test/helpers/seeded-random'
import { createServersRepo, type ServerRow } from '../src/main/servers/servers-repo'

export const FIXTURE_FILE = resolve(import.meta.dirname, '../test/fixtures/metrics-data-dir-v9.db.gz')

const END = Date.UTC(2026, 0, 15, 12, 0, 0)
const SPAN_MS = 5 * 3_600_000
const STEP_MS = 60_000
const MAINTENANCE_EVERY_MS = 10 * 60_000
const RETENTION = { rawDays: 2 / 24, minuteRollupDays: 30, hourRollupDays: 400 }

const round = (value: number, digits = 1): number => Math.round(value * 10 ** digits) / 10 ** digits
const wave = (t: number, periodMs: number, low: number, high: number): number => low + ((high - low) * (1 + Math.sin((2 * Math.PI * t) / periodMs))) / 2

interface ServerPlan {
  id: string
  hostname: string
  os: 'linux' | 'aix'
  disks: string[]
  interfaces: string[]
  /** [from, to): the collector was away. */
  gap?: [number, number]
}

const SERVERS: ServerPlan[] = [
  { id: '5e7e0000-0000-4000-8000-00000000000a', hostname: 'db1.example.test', os: 'linux', disks: ['sda', 'nvme0n1'], interfaces: ['eth0', 'lo'] },
  {
    id: '5e7e0000-0000-4000-8000-00000000000b',
    hostname: 'p750.example.test',
    os: 'aix',
    disks: ['hdisk0', 'hdisk1'],
    interfaces: ['en0', 'lo0'],
    gap: [END - 90 * 60_000, END - 65 * 60_000]
  }
]

function serverRow(plan: ServerPlan): ServerRow {
  return {
    id: plan.id, hostname: plan.hostname, ip_address: plan.os === 'linux' ? '192.0.2.10' : '192.0.2.20', alias: null,
    os_type: plan.os, os_version: null, architecture: null, ssh_port: 22, ssh_username: 'vigil', ssh_key_path: null,
    ssh_password_enc: null, ssh_key_passphrase_enc: null, status: 'active', monitoring_enabled: 1, monitoring_interval: 60,
    description: null, location: null, environment: 'test', created_at: END - SPAN_MS, updated_at: END - SPAN_MS,
    last_seen: null, collector: 'ssh', collection_state: 'idle', collection_error: null, collection_state_since: null
  }
}

function vmstat(t: number, rnd: () => number): SampleValues {
  const us = round(wave(t, 3_600_000, 5, 60) + rnd() * 8)
  const sy = round(wave(t, 900_000, 2, 15) + rnd() * 3)
  // Missing now and then, as a value a parser could not read.
  const wa = rnd() < 0.03 ? null : round(wave(t, 1_800_000, 0, 8) * rnd())
  return {
    r: Math.round(wave(t, 600_000, 0, 6) + rnd() * 2), b: Math.round(rnd() * 2),
    avm: 4_000_000 + Math.round(wave(t, 7_200_000, 0, 500_000) + rnd() * 10_000),
    fre: 2_000_000 - Math.round(wave(t, 7_200_000, 0, 400_000) + rnd() * 10_000),
    pi: round(rnd() * 40), po: round(rnd() * rnd() * 20), fr: round(wave(t, 900_000, 0, 300) * rnd()),
    interface_in: Math.round(wave(t, 300_000, 800, 2_500) + rnd() * 300), cs: Math.round(wave(t, 300_000, 1_500, 6_000) + rnd() * 500),
    us, sy, idle: Math.max(0, round(100 - us - sy - (wa ?? 0))), wa
  }
}

/** Counters that only grow (kB read/written, packets), per device. */
class Counters {
  private readonly values = new Map<string, number>()
  add(key: string, by: number): number {
    const value = (this.values.get(key) ?? 1_000_000) + by
    this.values.set(key, value)
    return value
  }
}

function iostat(t: number, rnd: () => number, plan: ServerPlan, counters: Counters): SampleValues[] {
  return plan.disks.map((disk, i) => {
    const readRate = round(wave(t + i * 600_000, 1_200_000, 0, 900) * rnd())
    const wrtnRate = round(wave(t + i * 900_000, 2_400_000, 5, 1_500) * rnd())
    return {
      disk, tps: round(readRate / 8 + wrtnRate / 16, 2),
      kb_read: counters.add(`${disk}:r`, Math.round(readRate * 60)), kb_wrtn: counters.add(`${disk}:w`, Math.round(wrtnRate * 60)),
      kb_read_rate: readRate, kb_wrtn_rate: wrtnRate,
      // sysstat 12 has no svctm: Linux disks never report a service time.
      service_time: plan.os === 'linux' ? null : round(rnd() * 12, 2)
    }
  })
}

function netstat(t: number, rnd: () => number, plan: ServerPlan, counters: Counters): SampleValues[] {
  return plan.interfaces.map((name) => {
    const loopback = name.startsWith('lo')
    const inRate = round((loopback ? 20 : wave(t, 1_800_000, 100, 4_000)) * (0.8 + rnd() * 0.4), 1)
    const outRate = round(inRate * (0.6 + rnd() * 0.5), 1)
    const errs = !loopback && rnd() < 0.02 ? 1 : 0
    return {
      interface: name, ipkts: counters.add(`${name}:i`, Math.round(inRate * 60)), ierrs: counters.add(`${name}:ie`, errs),
      ipkts_rate: inRate, ierrs_rate: round(errs / 60, 4), opkts: counters.add(`${name}:o`, Math.round(outRate * 60)),
      opkts_rate: outRate, oerrs: counters.add(`${name}:oe`, 0), oerrs_rate: 0
    }
  })
}

interface Proc {
  pid: number
  user: string
  command: string
  cpu: number
  mem: number
  /** [born, gone) */
  life: [number, number]
}

/** A few daemons for the whole span, and batch jobs that each live 5 to 40 minutes. */
function processes(plan: ServerPlan, rnd: () => number): Proc[] {
  const start = END - SPAN_MS
  const forever: [number, number] = [start, END + 1]
  const daemons: Proc[] =
    plan.os === 'linux'
      ? [
          { pid: 812, user: 'postgres', command: 'postgres: checkpointer', cpu: 2, mem: 3.1, life: forever },
          { pid: 1204, user: 'root', command: '/usr/sbin/sshd -D', cpu: 0.3, mem: 0.1, life: forever },
          { pid: 2290, user: 'www-data', command: 'nginx: worker process', cpu: 4, mem: 0.8, life: forever }
        ]
      : [
          { pid: 3932290, user: 'oracle', command: 'ora_pmon_PROD', cpu: 1.5, mem: 2.2, life: forever },
          { pid: 4128958, user: 'root', command: '/usr/sbin/syncd 60', cpu: 0.4, mem: 0.1, life: forever }
        ]
  const jobs: Proc[] = []
  let pid = plan.os === 'linux' ? 30_000 : 6_000_000
  for (let born = start; born < END; born += 8 * 60_000 + Math.round(rnd() * 20) * 60_000) {
    pid += 1 + Math.round(rnd() * 400)
    const command = ['gzip -9 /var/backups/db.dump', 'rsync -a /srv/ backup:/srv/', 'python3 report.py --daily', 'sort -u big.txt'][jobs.length % 4] as string
    jobs.push({ pid, user: jobs.length % 3 === 0 ? 'root' : 'batch', command, cpu: 20 + rnd() * 70, mem: rnd() * 6, life: [born, born + (5 + Math.round(rnd() * 35)) * 60_000] })
  }
  // The kernel hands a finished job's pid to another program: the same pid, another series.
  const first = jobs[0] as Proc
  jobs.push({ ...first, command: 'tar czf /tmp/logs.tgz /var/log', cpu: 35, life: [first.life[1] + 10 * 60_000, first.life[1] + 30 * 60_000] })
  return [...daemons, ...jobs]
}

function topProcesses(t: number, rnd: () => number, procs: Proc[]): SampleValues[] {
  return procs
    .filter((p) => p.life[0] <= t && t < p.life[1])
    .map((p) => ({ pid: p.pid, user: p.user, command: p.command, cpu: rnd() < 0.01 ? null : round(p.cpu * (0.5 + rnd())), mem: round(p.mem * (0.95 + rnd() * 0.1), 2) }))
    .sort((a, b) => (b.cpu ?? 0) - (a.cpu ?? 0))
    .slice(0, 5)
}

/** Builds the data dir's vigil.db in `dir` and returns its path. */
export function buildMetricsDataDir(dir: string): string {
  const file = join(dir, 'vigil.db')
  // Release 9's schema: the migrations up to 9, not the series store's.
  const db = openDb(file, MIGRATIONS.filter((migration) => migration.version <= 9))
  const servers = createServersRepo(db)
  for (const plan of SERVERS) servers.insert(serverRow(plan))
  const repo = createMetricsRepo(db)
  const writer = new MetricsWriter(repo, new EventBus(), { flushIntervalMs: 3_600_000, maxBufferedRows: 1_000_000 })
  let now = END - SPAN_MS
  const maintenance = new MetricsMaintenance(repo, RETENTION, () => now)
  const state = SERVERS.map((plan, i) => ({ plan, rnd: random(1 + i), counters: new Counters(), procs: processes(plan, random(100 + i)) }))
  for (let t = END - SPAN_MS; t < END; t += STEP_MS) {
    for (const { plan, rnd, counters, procs } of state) {
      if (plan.gap && t >= plan.gap[0] && t < plan.gap[1]) continue
      // Each command's rows land a little after the minute, as a collector's do.
      const at = (offset: number): number => t + offset + Math.round(rnd() * 900)
      writer.add({ metric: 'vmstat', serverId: plan.id, ts: at(1_000), rows: [vmstat(t, rnd)] })
      writer.add({ metric: 'iostat', serverId: plan.id, ts: at(2_000), rows: iostat(t, rnd, plan, counters) })
      writer.add({ metric: 'netstat', serverId: plan.id, ts: at(3_000), rows: netstat(t, rnd, plan, counters) })
      writer.add({ metric: 'process', serverId: plan.id, ts: at(4_000), rows: topProcesses(t, rnd, procs) })
    }
    writer.flush()
    now = t + STEP_MS
    if ((now - (END - SPAN_MS)) % MAINTENANCE_EVERY_MS === 0) maintenance.run()
  }
  writer.close()
  maintenance.run()
  db.pragma('wal_checkpoint(TRUNCATE)')
  db.close()
  return file
}

function main(): void {
  const out = resolve(process.argv[2] ?? FIXTURE_FILE)
  const dir = mkdtempSync(join(tmpdir(), 'vigil-fixture-'))
  try {
    const file = buildMetricsDataDir(dir)
    const raw = readFileSync(file)
    const gz = gzipSync(raw, { level: 9 })
    writeFileSync(out, gz)
    console.log(`${out}: vigil.db ${raw.length} bytes, gzip ${gz.length} bytes`)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(import.meta.filename)) main()
