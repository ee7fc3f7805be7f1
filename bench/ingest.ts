// Ingest: rows per second through the real insert path (MetricsWriter → one transaction per
// flush → SQLite WAL on disk), with a realistic mix: per server and interval one vmstat row,
// 4 disks, 2 interfaces and 20 processes. Goal: at least 200,000 rows/s.
//   npx tsx bench/ingest.ts [servers] [intervals]
import { mkdtempSync, rmSync } from 'node:fs'
import { cpus, tmpdir } from 'node:os'
import { join } from 'node:path'
import { EventBus } from '../src/main/base/bus'
import { MetricsWriter } from '../test/legacy/metrics-writer-v9'
import { openDb } from '../src/main/base/db/db'
import { createMetricsRepo } from '../test/legacy/metrics-repo-v9'
import type { SampleBatch } from '../src/main/metrics/samples'

const servers = Number(process.argv[2] ?? 1000)
const intervals = Number(process.argv[3] ?? 20)
const dir = mkdtempSync(join(tmpdir(), 'vigil-bench-'))
const db = openDb(join(dir, 'vigil.db'))
const insertServer = db.prepare(
  "INSERT INTO servers (id, hostname, ip_address, ssh_username, created_at, updated_at) VALUES (?, ?, '192.0.2.1', 'u', 0, 0)"
)
const ids = Array.from({ length: servers }, (_, i) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`)
db.transaction(() => ids.forEach((id, i) => insertServer.run(id, `host-${i}`)))()

const writer = new MetricsWriter(createMetricsRepo(db), new EventBus(), { flushIntervalMs: 100, maxBufferedRows: 20_000 })
const vm = { r: 1, b: 0, avm: 1e6, fre: 5e5, pi: 0, po: 0, fr: 0, interface_in: 120, cs: 900, us: 12.5, sy: 3.1, idle: 84.4, wa: 0 }
const disks = ['sda', 'sdb', 'nvme0n1', 'dm-0'].map((disk) => ({ disk, tps: 12, kb_read: 100, kb_wrtn: 50, kb_read_rate: 20, kb_wrtn_rate: 10, service_time: 0.4 }))
const nics = ['eth0', 'lo'].map((name) => ({ interface: name, ipkts: 1e6, ierrs: 0, opkts: 9e5, oerrs: 0, ipkts_rate: 100, ierrs_rate: 0, opkts_rate: 90, oerrs_rate: 0 }))
const procs = Array.from({ length: 20 }, (_, i) => ({ pid: 1000 + i, user: 'app', cpu: i / 2, mem: 1.5, command: `/usr/bin/worker --id ${i}` }))

let rows = 0
const started = performance.now()
for (let t = 0; t < intervals; t++) {
  const ts = Date.now() - (intervals - t) * 5000
  for (const serverId of ids) {
    const batches: SampleBatch[] = [
      { metric: 'vmstat', serverId, ts, rows: [vm] },
      { metric: 'iostat', serverId, ts, rows: disks },
      { metric: 'netstat', serverId, ts, rows: nics },
      { metric: 'process', serverId, ts, rows: procs }
    ]
    for (const batch of batches) {
      writer.add(batch)
      rows += batch.rows.length
    }
  }
}
writer.flush()
const seconds = (performance.now() - started) / 1000
console.log(`ingest: ${rows.toLocaleString('en')} rows (${servers} servers × ${intervals} intervals × 27 rows) in ${seconds.toFixed(2)} s`)
console.log(`        ${Math.round(rows / seconds).toLocaleString('en')} rows/s on ${cpus().length}× ${cpus()[0]?.model ?? 'cpu'}, node ${process.version}`)
db.close()
rmSync(dir, { recursive: true, force: true })
