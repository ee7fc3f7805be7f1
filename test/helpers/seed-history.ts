// Writes metric history into a data dir before `vigil serve` opens it, through Vigil's own
// services: a server, then vmstat/iostat/netstat samples at its interval over a span, with
// optional holes where "the collector was away", then the roll-ups.
import { resolve } from 'node:path'
import { createApp } from '../../src/main/app'
import { resolveConfig } from '../../src/main/config'
import type { SampleValues } from '../../src/main/metrics/samples'

export interface HistoryPlan {
  hostname: string
  ip_address: string
  /** Seconds between samples. */
  intervalSeconds: number
  /** History ends at `end` (ms) and reaches back this far. */
  spanMs: number
  end: number
  /** [from, to) ranges (ms) without samples. */
  gaps?: Array<[number, number]>
  disks?: string[]
  interfaces?: string[]
  /** Whether Vigil should try to collect from it once served. */
  monitoring?: boolean
}

/** A smooth, recognisable wave, so a chart of it is obviously not noise. */
const wave = (t: number, periodMs: number, low: number, high: number): number =>
  Math.round((low + ((high - low) * (1 + Math.sin((2 * Math.PI * t) / periodMs))) / 2) * 10) / 10

function vmstatAt(t: number): SampleValues {
  const us = wave(t, 3_600_000, 5, 60)
  const sy = wave(t, 900_000, 2, 15)
  const wa = wave(t, 1_800_000, 0, 8)
  return {
    r: Math.round(wave(t, 600_000, 0, 6)),
    b: Math.round(wave(t, 1_200_000, 0, 2)),
    avm: 4_000_000 + Math.round(wave(t, 7_200_000, 0, 500_000)),
    fre: 2_000_000 - Math.round(wave(t, 7_200_000, 0, 400_000)),
    pi: wave(t, 1_500_000, 0, 40),
    po: wave(t, 2_500_000, 0, 20),
    fr: wave(t, 900_000, 0, 300),
    interface_in: Math.round(wave(t, 300_000, 800, 2_500)),
    cs: Math.round(wave(t, 300_000, 1_500, 6_000)),
    us,
    sy,
    wa,
    idle: Math.max(0, Math.round((100 - us - sy - wa) * 10) / 10)
  }
}

/** Creates the server and its history; returns the server's id. Vigil must not be running on `dataDir`. */
export async function seedHistory(dataDir: string, plan: HistoryPlan): Promise<string> {
  const app = await createApp(
    resolveConfig({ dataDir, port: 0, version: 'seed', vendorDir: resolve('node_modules/redoc/bundles'), collect: false, monitorLocalhost: false })
  )
  try {
    const server = app.servers.create({
      hostname: plan.hostname,
      ip_address: plan.ip_address,
      ssh_username: 'vigil',
      ssh_password: 'unused-in-tests',
      monitoring_interval: plan.intervalSeconds,
      monitoring_enabled: plan.monitoring ?? false,
      environment: 'history'
    })
    const step = plan.intervalSeconds * 1000
    const start = plan.end - plan.spanMs
    const inGap = (t: number): boolean => (plan.gaps ?? []).some(([from, to]) => t >= from && t < to)
    const disks = plan.disks ?? ['sda', 'sdb']
    const interfaces = plan.interfaces ?? ['eth0', 'lo']
    for (let t = start - (start % step) + step; t <= plan.end; t += step) {
      if (inGap(t)) continue
      app.metricsWriter.add({ metric: 'vmstat', serverId: server.id, ts: t, rows: [vmstatAt(t)] })
      app.metricsWriter.add({
        metric: 'iostat',
        serverId: server.id,
        ts: t,
        rows: disks.map((disk, i) => {
          const read = wave(t + i * 60_000, 600_000, 0, 4_000 / (i + 1))
          const write = wave(t + i * 90_000, 400_000, 50, 2_000 / (i + 1))
          return { disk, tps: Math.round((read + write) / 16), kb_read: null, kb_wrtn: null, kb_read_rate: read, kb_wrtn_rate: write, service_time: wave(t, 300_000, 0.2, 4) }
        })
      })
      app.metricsWriter.add({
        metric: 'netstat',
        serverId: server.id,
        ts: t,
        rows: interfaces.map((name, i) => ({
          interface: name,
          ipkts: null,
          ierrs: null,
          opkts: null,
          oerrs: null,
          ipkts_rate: wave(t + i * 30_000, 600_000, 10, 900 / (i + 1)),
          opkts_rate: wave(t + i * 45_000, 500_000, 10, 700 / (i + 1)),
          ierrs_rate: 0,
          oerrs_rate: t % 600_000 < step ? 1 : 0
        }))
      })
    }
    app.metricsWriter.flush()
    app.maintenance.run()
    return server.id
  } finally {
    await app.close()
  }
}
