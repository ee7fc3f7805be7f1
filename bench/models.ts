// SQL models over a realistic store: how long a run takes on a day of a few servers' metrics.
//   npx tsx bench/models.ts [--servers 5] [--hours 24] [--interval 5] [--runs 5]
//   node --expose-gc --import tsx bench/models.ts --servers 0 --runs 1    (the CSV export's memory alone)
//
// A data dir seeded through Vigil's own services (test/helpers/seed-history.ts: vmstat, iostat
// for two disks, netstat for two interfaces, at `interval` seconds for `hours`, then the
// roll-ups), opened by Vigil's real API in-process. Three models are saved — a table of hourly
// CPU per server over vigil.vmstat, a view of its busy hours, a table counting them — plus a
// table over vigil.iostat; each is run `runs` times (the first alone, then the cascade from the
// first model), timed from the run's start to its end (ModelsService.settled()), with what each
// model's run record says (build time, rows). The `vigil` tables are filled at every run: that
// copy out of the series store is part of the figure, and is reported on its own too, as is
// the snapshot of them the models runner reads (when the tree has one). Last, a table of a
// million rows is exported as CSV over HTTP, read as it comes, with the process's RSS sampled.
import { rmSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { monitorEventLoopDelay, performance } from 'node:perf_hooks'
import { cpus, loadavg, totalmem } from 'node:os'
import { fillStoreTables } from '../src/main/models/store-tables'
import { startApi } from '../test/helpers/api'
import { seedHistory } from '../test/helpers/seed-history'
import { makeTempDir } from '../test/helpers/temp-dir'

function option(name: string, fallback: number): number {
  const index = process.argv.indexOf(`--${name}`)
  return index >= 0 ? Number(process.argv[index + 1]) : fallback
}

const MODELS = {
  cpu_hourly: {
    materialization: 'table',
    sql: "SELECT server, substr(ts, 1, 13) AS hour, avg(us) AS cpu_user, max(us) AS cpu_user_max, avg(wa) AS iowait, count(*) AS samples\nFROM vigil.vmstat\nGROUP BY server, hour"
  },
  busy_hours: { materialization: 'view', sql: "SELECT * FROM {{ ref('cpu_hourly') }} WHERE cpu_user_max > 50" },
  busy_count: { materialization: 'table', sql: "SELECT server, count(*) AS busy_hours FROM {{ ref('busy_hours') }} GROUP BY server" },
  disk_daily: { materialization: 'table', sql: 'SELECT server, disk, avg(kb_read_rate) AS read_kbs, avg(kb_wrtn_rate) AS write_kbs, count(*) AS samples FROM vigil.iostat GROUP BY server, disk' }
} as const

const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number

async function main(): Promise<void> {
  const servers = option('servers', 5)
  const hours = option('hours', 24)
  const interval = option('interval', 5)
  const runs = option('runs', 5)
  const temp = makeTempDir('vigil-bench-models-')
  try {
    const seedStarted = performance.now()
    const end = Date.now() - 60_000
    for (let i = 0; i < servers; i++) {
      await seedHistory(temp.dir, { hostname: `web-${String(i + 1).padStart(2, '0')}`, ip_address: `192.0.2.${i + 1}`, intervalSeconds: interval, spanMs: hours * 3_600_000, end })
    }
    console.log(`seeded ${servers} servers × ${hours} h at ${interval} s in ${((performance.now() - seedStarted) / 1000).toFixed(1)} s`)
    const api = await startApi({ dataDir: temp.dir })
    try {
      const models = api.app.models
      for (const [name, model] of Object.entries(MODELS)) models.save(name, model)

      // The copy out of the series store alone (what each run starts with).
      const fills: Record<string, number[]> = { vmstat: [], iostat: [] }
      let copied: Record<string, number> = {}
      for (let i = 0; i < runs; i++) {
        for (const table of ['vmstat', 'iostat']) {
          const started = performance.now()
          const reader = { servers: () => api.app.servers.allRows(), samples: api.app.metrics.samplesBetween.bind(api.app.metrics), hourly: api.app.metrics.hourlyBetween.bind(api.app.metrics) }
          copied = { ...copied, ...(await fillStoreTables(models.database.db, reader, [table], Date.now())) }
          fills[table]?.push(performance.now() - started)
        }
      }
      for (const [table, times] of Object.entries(fills)) console.log(`fill vigil.${table}: ${copied[table]?.toLocaleString()} rows, median ${median(times).toFixed(0)} ms`)
      // The snapshot of those tables a run hands its runner (the models runner; absent before it).
      const database = models.database as unknown as { writeStoreSnapshot?: (file: string) => Promise<void> }
      if (database.writeStoreSnapshot) {
        const times: number[] = []
        const file = join(temp.dir, 'bench-snapshot.db')
        for (let i = 0; i < runs; i++) {
          const started = performance.now()
          await database.writeStoreSnapshot(file)
          times.push(performance.now() - started)
        }
        const { size } = statSync(file)
        rmSync(file)
        console.log(`snapshot of the vigil tables for the runner: ${(size / 2 ** 20).toFixed(1)} MiB, median ${median(times).toFixed(0)} ms`)
      }

      // How long the API could wait for the event loop during a run: the longest stretch a run holds it.
      const delay = monitorEventLoopDelay({ resolution: 5 })
      const timed = async (name: string, cascade: boolean): Promise<number> => {
        const started = performance.now()
        models.run(name, cascade)
        await models.settled()
        return performance.now() - started
      }
      const report = (label: string, times: number[], names: string[]): void => {
        const list = models.list().models.filter((model) => names.includes(model.name))
        const builds = list.map((model) => `${model.name} ${model.last_run?.duration_seconds ?? '?'} s (${model.last_run?.rows ?? '?'} rows, ${model.last_run?.status})`).join('; ')
        console.log(
          `${label}: median ${median(times).toFixed(0)} ms, min ${Math.min(...times).toFixed(0)} ms over ${times.length} runs; event loop held at most ${(delay.max / 1e6).toFixed(0)} ms — last run: ${builds}`
        )
        delay.reset()
      }
      delay.enable()
      const alone: number[] = []
      for (let i = 0; i < runs; i++) alone.push(await timed('cpu_hourly', false))
      report('cpu_hourly alone (vmstat → table)', alone, ['cpu_hourly'])
      const cascade: number[] = []
      for (let i = 0; i < runs; i++) cascade.push(await timed('cpu_hourly', true))
      report('cpu_hourly with cascade (3 models)', cascade, ['cpu_hourly', 'busy_hours', 'busy_count'])
      const disks: number[] = []
      for (let i = 0; i < runs; i++) disks.push(await timed('disk_daily', false))
      report('disk_daily (iostat → table)', disks, ['disk_daily'])
      delay.disable()

      // A million-row table exported as CSV, read as it comes; RSS sampled every 20 ms.
      models.save('million', {
        materialization: 'table',
        sql: "WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r WHERE n < 1000000) SELECT n, n * 2 AS twice, 'row ' || n AS label FROM r"
      })
      models.run('million', false)
      await models.settled()
      globalThis.gc?.()
      const rssBefore = process.memoryUsage.rss()
      let rssPeak = rssBefore
      const sampler = setInterval(() => (rssPeak = Math.max(rssPeak, process.memoryUsage.rss())), 20)
      const exportStarted = performance.now()
      const response = await fetch(`${api.url}/api/dbt/models/million/csv`, { headers: { Authorization: `Bearer ${api.token}` } })
      let bytes = 0
      for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) bytes += chunk.length
      clearInterval(sampler)
      const mib = (value: number): string => (value / 2 ** 20).toFixed(0)
      console.log(
        `CSV export of 1,000,000 rows: ${mib(bytes)} MiB in ${(performance.now() - exportStarted).toFixed(0)} ms; RSS ${mib(rssBefore)} → peak ${mib(rssPeak)} MiB (+${mib(rssPeak - rssBefore)})`
      )
      const failures = models.failures()
      if (failures.length > 0) throw new Error(`models failed: ${JSON.stringify(failures)}`)
    } finally {
      await api.close()
    }
    console.log(`machine: ${cpus().length} × ${cpus()[0]?.model}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}, load ${loadavg().map((l) => l.toFixed(1)).join(' ')}`)
  } finally {
    temp.remove()
  }
}

void main().catch((error: unknown) => {
  console.error(error)
  process.exitCode = 1
})
