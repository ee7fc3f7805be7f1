// Reads every nmon recording of a directory with Vigil's nmon reader and mapping (what an nmon
// import stores, without a store) and prints per file: lines, snapshots, the rows and series each
// metric would get and the values they hold, the mapped sections the recording lacks, and the
// bad lines with their reasons (the first of each reason, and how many).
//   npx tsx scripts/nmon-check.ts DIR [--utc-offset +00:00]
// For checking recordings from elsewhere (public samples, a customer's files) before they are
// imported: nothing is written anywhere. bench/README.md ("imports") lists the files checked.
import { readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { METRICS, type MetricName } from '../src/shared/metrics'
import { streamText } from '../src/main/imports/importer'
import { snapshotRows } from '../src/main/imports/nmon-mapping'
import { NmonReader, offsetMinutes, type NmonRun } from '../src/main/imports/nmon-reader'
import { GROUP_LABELS } from '../src/main/metrics/series-mapping'

interface FileReport {
  file: string
  lines: number
  snapshots: number
  rows: Record<MetricName, number>
  series: Record<MetricName, Set<string>>
  values: number
  faults: Map<string, { first: number; count: number }>
  run: NmonRun | null
  first: number | null
  last: number | null
}

/** A fault's reason without the parts that change from line to line (tags, numbers, quoted text). */
const reasonOf = (message: string): string => message.replace(/T\d{4,}/g, 'T…').replace(/"[^"]*"/g, '"…"').replace(/\d+/g, 'N')

async function check(path: string, offset: number | null): Promise<FileReport> {
  const report: FileReport = {
    file: path,
    lines: 0,
    snapshots: 0,
    rows: Object.fromEntries(METRICS.map((metric) => [metric, 0])) as Record<MetricName, number>,
    series: Object.fromEntries(METRICS.map((metric) => [metric, new Set<string>()])) as Record<MetricName, Set<string>>,
    values: 0,
    faults: new Map(),
    run: null,
    first: null,
    last: null
  }
  let previous: number | null = null
  const reader = new NmonReader(
    {
      snapshot: (snapshot, run) => {
        report.run = run
        report.snapshots++
        report.first ??= snapshot.ts
        report.last = snapshot.ts
        const interval = previous === null ? run.interval : (snapshot.ts - previous) / 1000
        previous = snapshot.ts
        const rows = snapshotRows(snapshot, run, interval)
        for (const metric of METRICS) {
          for (const row of rows[metric]) {
            report.rows[metric]++
            report.series[metric].add(GROUP_LABELS[metric].map((label) => (label === 'server_id' ? '' : String(row[label] ?? ''))).join('\u0000'))
            for (const value of Object.values(row)) if (typeof value === 'number') report.values++
          }
        }
      },
      fault: ({ line, message }) => {
        const reason = reasonOf(message)
        const known = report.faults.get(reason)
        if (known) known.count++
        else report.faults.set(reason, { first: line, count: 1 })
      }
    },
    offset
  )
  await streamText(
    path,
    (text) => {
      for (let at = text.indexOf('\n'); at >= 0; at = text.indexOf('\n', at + 1)) report.lines++
      reader.push(text)
    },
    () => reader.end()
  )
  return report
}

/** The sections the mapping reads that a recording never had (each leaves fields null). */
function missingSections(run: NmonRun | null): string[] {
  const wanted = ['CPU_ALL', 'MEM', 'PROC', run?.os === 'aix' ? 'PAGE' : 'VM', 'DISKXFER', 'DISKREAD', 'DISKWRITE', 'DISKBUSY', 'NETPACKET', 'NETERROR', 'TOP']
  return wanted.filter((section) => !run?.headers.has(section))
}

async function main(): Promise<void> {
  const args = process.argv.slice(2)
  const dir = args.find((arg) => !arg.startsWith('--'))
  if (dir === undefined) throw new Error('usage: npx tsx scripts/nmon-check.ts DIR [--utc-offset +00:00]')
  const offsetAt = args.indexOf('--utc-offset')
  const offset = offsetMinutes(offsetAt >= 0 ? args[offsetAt + 1] : '+00:00')
  const files = readdirSync(dir)
    .filter((name) => statSync(join(dir, name)).isFile())
    .sort()
  for (const name of files) {
    const report = await check(join(dir, name), offset)
    const iso = (ts: number | null): string => (ts === null ? '—' : new Date(ts).toISOString())
    console.log(`${name}: ${report.run?.os ?? 'unknown OS'}, host ${report.run?.host ?? '?'}, interval ${report.run?.interval ?? '?'} s`)
    console.log(`  ${report.lines} lines, ${report.snapshots} snapshots, ${iso(report.first)} to ${iso(report.last)}`)
    console.log(`  ${METRICS.map((metric) => `${metric} ${report.rows[metric]} rows / ${report.series[metric].size} series`).join(', ')}; ${report.values} values`)
    const missing = missingSections(report.run)
    if (missing.length > 0) console.log(`  sections absent: ${missing.join(', ')}`)
    const faults = [...report.faults].sort(([, a], [, b]) => a.first - b.first)
    console.log(`  bad lines: ${faults.reduce((sum, [, fault]) => sum + fault.count, 0)}`)
    for (const [reason, { first, count }] of faults) console.log(`    ${count} × ${reason} (first at line ${first})`)
  }
}

main().catch((error: unknown) => {
  console.error(error)
  process.exit(1)
})
