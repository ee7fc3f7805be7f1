// What an nmon snapshot becomes in a server's history: rows of the same metrics, fields and
// units the collectors store (src/main/metrics/parsers: vmstat, iostat, netstat, process), so
// imported history charts and queries like collected data. README ("Imports") has the table.
//
// vmstat  us, sy, wa, idle   CPU_ALL User%, Sys%, Wait%, Idle%
//         r, b, cs           PROC Runnable, Blocked (Linux; AIX has none), pswitch
//         fre, avm           MEM memfree, active (Linux, MB → KiB); AIX: Real free(MB) → KiB, avm none
//         pi, po             Linux VM pswpin, pswpout (pages per interval → KiB/s, 4 KiB pages);
//                            AIX PAGE pgsin, pgsout (pages/s → KiB/s)
//         fr, interface_in   none: nmon records no page-replacement or interrupt rate
// iostat  tps                DISKXFER
//         kb_read_rate, kb_wrtn_rate   DISKREAD, DISKWRITE (KB/s)
//         kb_read, kb_wrtn   the rates × the snapshot's interval
//         service_time       AIX DISKSERV; else DISKBUSY × 10 ÷ DISKXFER (what sysstat derives svctm from)
// netstat ipkts_rate, opkts_rate   NETPACKET <if>-read/s, -write/s (AIX -reads/s, -writes/s)
//         ierrs_rate, oerrs_rate   NETERROR <if>-ierrs, -oerrs
//         ipkts, ierrs, opkts, oerrs   none: nmon keeps no counters since boot
// process pid, cpu, command  TOP +PID, %CPU, Command (Linux and AIX)
//         mem                AIX %RAM; Linux ResSet (KB) ÷ MEM memtotal
//         user               none ('')
// Left out: per-CPU lines (CPUnnn), NET KB/s (Vigil keeps packets, not bytes), JFS, LPAR, WLM,
// DISKBSIZE, top's other columns.
import type { MetricName } from '../../shared/metrics'
import type { SampleValues } from '../metrics'
import type { NmonRun, NmonSnapshot } from './nmon-reader'

const KIB_PER_PAGE = 4

export type NmonRows = Record<MetricName, SampleValues[]>

/** The rows of one snapshot; `intervalSeconds` is the time since the previous one (or the run's interval). */
export function snapshotRows(snapshot: NmonSnapshot, run: NmonRun, intervalSeconds: number | null): NmonRows {
  const column = (section: string, name: string): number | null => {
    const line = snapshot.sections.get(section)
    const index = run.headers.get(section)?.indexOf(name) ?? -1
    return line === undefined || index < 0 ? null : available(line.values[index])
  }
  return {
    vmstat: vmstatRows(snapshot, run, column, intervalSeconds),
    iostat: iostatRows(snapshot, run, intervalSeconds),
    netstat: netstatRows(snapshot, run),
    process: processRows(snapshot, run, column)
  }
}

type Column = (section: string, name: string) => number | null

/**
 * nmon writes -1 where it has no value (Linux: the first snapshot's VM counters, PROC's syscall
 * on kernels without it); every field Vigil maps is a rate, a count, a share or a size, never
 * negative, so a negative one is no value.
 */
const available = (value: number | null | undefined): number | null => (value === undefined || value === null || value < 0 ? null : value)

const scaled = (value: number | null, factor: number): number | null => (value === null ? null : value * factor)

function vmstatRows(snapshot: NmonSnapshot, run: NmonRun, column: Column, interval: number | null): SampleValues[] {
  if (!snapshot.sections.has('CPU_ALL') && !snapshot.sections.has('MEM') && !snapshot.sections.has('PROC')) return []
  const aix = run.os === 'aix' || run.headers.get('MEM')?.includes('Real free(MB)') === true
  const perSecond = (pages: number | null): number | null => (pages === null || interval === null || interval <= 0 ? null : (pages * KIB_PER_PAGE) / interval)
  return [
    {
      r: column('PROC', 'Runnable'),
      b: aix ? null : column('PROC', 'Blocked'),
      avm: aix ? null : scaled(column('MEM', 'active'), 1024),
      fre: aix ? scaled(column('MEM', 'Real free(MB)'), 1024) : scaled(column('MEM', 'memfree'), 1024),
      pi: aix ? scaled(column('PAGE', 'pgsin'), KIB_PER_PAGE) : perSecond(column('VM', 'pswpin')),
      po: aix ? scaled(column('PAGE', 'pgsout'), KIB_PER_PAGE) : perSecond(column('VM', 'pswpout')),
      fr: null,
      interface_in: null,
      cs: column('PROC', 'pswitch'),
      us: column('CPU_ALL', 'User%'),
      sy: column('CPU_ALL', 'Sys%'),
      idle: column('CPU_ALL', 'Idle%'),
      wa: column('CPU_ALL', 'Wait%')
    }
  ]
}

/** Each disk's value in the sections named `base`, `base1`, `base2`… (nmon splits many disks over several). */
function perName(snapshot: NmonSnapshot, run: NmonRun, base: string): Map<string, number | null> {
  const values = new Map<string, number | null>()
  for (const [section, line] of snapshot.sections) {
    if (section !== base && !(section.startsWith(base) && /^\d+$/.test(section.slice(base.length)))) continue
    const header = run.headers.get(section) ?? []
    header.forEach((name, index) => values.set(name, available(line.values[index])))
  }
  return values
}

function iostatRows(snapshot: NmonSnapshot, run: NmonRun, interval: number | null): SampleValues[] {
  const xfer = perName(snapshot, run, 'DISKXFER')
  const read = perName(snapshot, run, 'DISKREAD')
  const write = perName(snapshot, run, 'DISKWRITE')
  const busy = perName(snapshot, run, 'DISKBUSY')
  const serv = perName(snapshot, run, 'DISKSERV')
  const disks = new Set([...xfer.keys(), ...read.keys(), ...write.keys()])
  const amount = (rate: number | null): number | null => (rate === null || interval === null ? null : rate * interval)
  return [...disks].map((disk) => {
    const tps = xfer.get(disk) ?? null
    const util = busy.get(disk) ?? null
    const derived = util === null || tps === null ? null : tps > 0 ? (util * 10) / tps : 0
    return {
      disk,
      tps,
      kb_read: amount(read.get(disk) ?? null),
      kb_wrtn: amount(write.get(disk) ?? null),
      kb_read_rate: read.get(disk) ?? null,
      kb_wrtn_rate: write.get(disk) ?? null,
      service_time: serv.get(disk) ?? derived
    }
  })
}

function netstatRows(snapshot: NmonSnapshot, run: NmonRun): SampleValues[] {
  const rows = new Map<string, SampleValues>()
  const row = (name: string): SampleValues => {
    let found = rows.get(name)
    if (!found) rows.set(name, (found = { interface: name, ipkts: null, ierrs: null, opkts: null, oerrs: null, ipkts_rate: null, ierrs_rate: null, opkts_rate: null, oerrs_rate: null }))
    return found
  }
  const fields: Array<[section: string, pattern: RegExp, field: string]> = [
    ['NETPACKET', /^(.+)-reads?\/s$/, 'ipkts_rate'],
    ['NETPACKET', /^(.+)-writes?\/s$/, 'opkts_rate'],
    ['NETERROR', /^(.+)-ierrs$/, 'ierrs_rate'],
    ['NETERROR', /^(.+)-oerrs$/, 'oerrs_rate']
  ]
  for (const [section, pattern, field] of fields) {
    const line = snapshot.sections.get(section)
    if (!line) continue
    ;(run.headers.get(section) ?? []).forEach((name, index) => {
      const match = pattern.exec(name)
      if (match) row(match[1] as string)[field] = available(line.values[index])
    })
  }
  return [...rows.values()]
}

function processRows(snapshot: NmonSnapshot, run: NmonRun, column: Column): SampleValues[] {
  const header = run.headers.get('TOP')
  if (!header || snapshot.top.length === 0) return []
  const at = (name: string): number => header.indexOf(name)
  const [cpuAt, commandAt, ramAt, resAt] = [at('%CPU'), at('Command'), at('%RAM'), at('ResSet')]
  const memTotalKib = scaled(column('MEM', 'memtotal'), 1024)
  return snapshot.top.map(({ pid, fields }) => {
    const number = (index: number): number | null => {
      if (index < 0) return null
      const value = Number(fields[index])
      return fields[index] === '' || !Number.isFinite(value) ? null : available(value)
    }
    const resident = number(resAt)
    const mem = ramAt >= 0 ? number(ramAt) : resident !== null && memTotalKib ? (resident / memTotalKib) * 100 : null
    return { pid, command: commandAt >= 0 ? (fields[commandAt] ?? '') : '', user: '', cpu: number(cpuAt), mem }
  })
}
