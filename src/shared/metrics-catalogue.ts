// The field catalogue: for each metric of servers-metrics-oracle-api.md, what each field means,
// in which unit Vigil stores and serves it, and which column of which command it comes from
// on Linux and on AIX. A field an OS cannot supply says why, and the parsers give null for it.
// Plain data, so the README, the API docs and the UI can all render it (no Node, no main).

import type { MetricName } from './metrics'

export type CatalogueOs = 'linux' | 'aix'

/** A field read from a column (or computed from columns) of the OS's command output. */
export interface FieldSource {
  readonly from: string
  /** How the value is converted to Vigil's unit; null when it is used as printed. */
  readonly conversion: string | null
}

/** A field the OS's command cannot supply: Vigil stores null, never an invented value. */
export interface FieldUnavailable {
  readonly from: null
  readonly reason: string
}

export type FieldOrigin = FieldSource | FieldUnavailable

export interface CatalogueField {
  readonly field: string
  readonly unit: string
  readonly description: string
  /** True for fields Vigil adds to the spec's (vmstat's `wa`). */
  readonly extension: boolean
  readonly linux: FieldOrigin
  readonly aix: FieldOrigin
}

export interface CommandDoc {
  /** The command as run; <interval> and <N> stand for the numbers Vigil fills in. */
  readonly command: string
  /** "stream": one long-running channel; "exec": run once per collection cycle. */
  readonly mode: 'stream' | 'exec'
  readonly note: string
  /** Run instead when the command fails or its output does not parse. */
  readonly fallback: string | null
}

export interface CatalogueMetric {
  readonly metric: MetricName
  readonly description: string
  readonly commands: Readonly<Record<CatalogueOs, CommandDoc>>
  readonly fields: readonly CatalogueField[]
}

const asPrinted = (from: string): FieldSource => ({ from, conversion: null })
const converted = (from: string, conversion: string): FieldSource => ({ from, conversion })
const unavailable = (reason: string): FieldUnavailable => ({ from: null, reason })
const AIX_PAGES = '× 4 (AIX vmstat counts 4 KiB pages)'

const field = (
  name: string,
  unit: string,
  description: string,
  linux: FieldOrigin,
  aix: FieldOrigin,
  extension = false
): CatalogueField => ({ field: name, unit, description, extension, linux, aix })

const vmstat: CatalogueMetric = {
  metric: 'vmstat',
  description: 'Run queue, memory, paging, interrupts and CPU split, one row per interval.',
  commands: {
    linux: {
      command: 'LC_ALL=C vmstat -n -a <interval>',
      mode: 'stream',
      note: 'procps vmstat; -a shows active/inactive memory, -n prints the header once. The first row (averages since boot) is dropped.',
      fallback: null
    },
    aix: {
      command: 'LC_ALL=C vmstat <interval>',
      mode: 'stream',
      note: 'The first row (averages since boot) is dropped. The "System configuration" line and the pc/ec columns of shared LPARs are ignored.',
      fallback: null
    }
  },
  fields: [
    field('r', 'count', 'Runnable processes (Linux) or kernel threads in the run queue (AIX).', asPrinted('r'), asPrinted('r (kthr)')),
    field(
      'b',
      'count',
      'Processes in uninterruptible sleep (Linux) or kernel threads waiting on I/O or paging (AIX).',
      asPrinted('b'),
      asPrinted('b (kthr)')
    ),
    field(
      'avm',
      'KiB',
      'Active memory. On AIX, active virtual memory (working-storage pages in use); on Linux, memory on the active LRU list. The two measure different things: compare a server with itself, not across OSes.',
      asPrinted('active (vmstat -a)'),
      converted('avm', AIX_PAGES)
    ),
    field('fre', 'KiB', 'Free real memory.', asPrinted('free'), converted('fre', AIX_PAGES)),
    field(
      'pi',
      'KiB/s',
      'Memory paged in from swap / paging space.',
      asPrinted('si (swap-in)'),
      converted('pi', AIX_PAGES)
    ),
    field('po', 'KiB/s', 'Memory paged out to swap / paging space.', asPrinted('so (swap-out)'), converted('po', AIX_PAGES)),
    field(
      'fr',
      'KiB/s',
      'Memory freed by the page-replacement algorithm.',
      unavailable('procps vmstat prints no page-replacement column (Linux keeps it as pgsteal counters in /proc/vmstat, which Vigil does not read)'),
      converted('fr', AIX_PAGES)
    ),
    field(
      'interface_in',
      'per second',
      'Interrupts. Linux counts every interrupt, timer included; AIX counts device interrupts.',
      asPrinted('in'),
      asPrinted('in (faults)')
    ),
    field('cs', 'per second', 'Context switches.', asPrinted('cs'), asPrinted('cs (faults)')),
    field('us', '%', 'CPU time in user mode (Linux includes nice time).', asPrinted('us'), asPrinted('us (cpu)')),
    field(
      'sy',
      '%',
      'CPU time in the kernel.',
      asPrinted('sy'),
      asPrinted('sy under cpu, the second sy (the first, under faults, is system calls per second)')
    ),
    field('idle', '%', 'Idle CPU time.', asPrinted('id'), asPrinted('id (cpu)')),
    field(
      'wa',
      '%',
      'Idle CPU time with disk I/O outstanding (Vigil extension, for the CPU chart).',
      asPrinted('wa'),
      asPrinted('wa (cpu)'),
      true
    )
  ]
}

const iostat: CatalogueMetric = {
  metric: 'iostat',
  description: 'Transfers and throughput per disk, one row per disk per interval.',
  commands: {
    linux: {
      command: 'LC_ALL=C iostat -d -k -y <interval>',
      mode: 'stream',
      note: 'sysstat; -d devices only, -k kB, -y skips the since-boot report. Old ("Device:") and new (kB_dscd) basic layouts and the extended (-x) layouts are read by column name.',
      fallback: null
    },
    aix: {
      command: 'LC_ALL=C iostat -d <interval>',
      mode: 'stream',
      note: 'The first report is treated as since boot and dropped (costing one interval where AIX already reports an interval first).',
      fallback: null
    }
  },
  fields: [
    field('disk', 'name', 'Device name (sda, dm-0, nvme0n1; hdisk0, cd0).', asPrinted('Device'), asPrinted('Disks:')),
    field(
      'tps',
      'transfers/s',
      'I/O requests completed per second.',
      converted('tps', 'in the extended (-x) report, r/s + w/s + d/s, as sysstat counts tps'),
      asPrinted('tps')
    ),
    field(
      'kb_read',
      'KiB',
      'KiB read during the interval.',
      converted('kB_read', 'MB_read × 1024 or Blk_read ÷ 2 when iostat printed those; none in the extended report (null)'),
      asPrinted('Kb_read')
    ),
    field(
      'kb_wrtn',
      'KiB',
      'KiB written during the interval.',
      converted('kB_wrtn', 'MB_wrtn × 1024 or Blk_wrtn ÷ 2 when iostat printed those; none in the extended report (null)'),
      asPrinted('Kb_wrtn')
    ),
    field(
      'kb_read_rate',
      'KiB/s',
      'Read throughput.',
      converted('kB_read/s (extended: rkB/s)', 'MB/s × 1024, sectors/s ÷ 2 when iostat printed those'),
      converted('Kbps, Kb_read, Kb_wrtn', 'Kbps × Kb_read ÷ (Kb_read + Kb_wrtn): AIX prints one throughput for reads and writes together; null when it moved under 1 KiB')
    ),
    field(
      'kb_wrtn_rate',
      'KiB/s',
      'Write throughput.',
      converted('kB_wrtn/s (extended: wkB/s)', 'MB/s × 1024, sectors/s ÷ 2 when iostat printed those'),
      converted('Kbps, Kb_read, Kb_wrtn', 'Kbps × Kb_wrtn ÷ (Kb_read + Kb_wrtn); null when it moved under 1 KiB')
    ),
    field(
      'service_time',
      'ms',
      'Average service time per I/O request.',
      unavailable(
        'the basic report Vigil runs (iostat -d -k -y) has no service time, and sysstat 12 dropped svctm from the extended one; svctm is read when an older extended (-x) report prints it'
      ),
      unavailable('iostat -d reports no service time (only iostat -D does, in a different layout)')
    )
  ]
}

const netstat: CatalogueMetric = {
  metric: 'netstat',
  description: 'Packet and error counters per network interface, with per-second rates.',
  commands: {
    linux: {
      command: 'LC_ALL=C cat /proc/net/dev',
      mode: 'exec',
      note: 'Always present on Linux; read by its Receive/Transmit column names.',
      fallback: 'LC_ALL=C netstat -i'
    },
    aix: {
      command: 'LC_ALL=C netstat -in',
      mode: 'exec',
      note: 'One row kept per interface (AIX adds a row per address, with the same counters); -n avoids name lookups.',
      fallback: null
    }
  },
  fields: [
    field('interface', 'name', 'Interface name (a trailing * that AIX adds to a down interface is removed).', asPrinted('interface (netstat -i: Iface)'), asPrinted('Name')),
    field('ipkts', 'packets', 'Packets received since the counter started (boot or reset).', asPrinted('Receive packets (netstat -i: RX-OK)'), asPrinted('Ipkts')),
    field('ierrs', 'errors', 'Receive errors since the counter started.', asPrinted('Receive errs (netstat -i: RX-ERR)'), asPrinted('Ierrs')),
    field(
      'ipkts_rate',
      'packets/s',
      'Packets received per second over the last interval; null on the first sample, for a new interface, or when the counter went backwards.',
      converted('ipkts', 'delta between two samples ÷ elapsed seconds'),
      converted('ipkts', 'delta between two samples ÷ elapsed seconds')
    ),
    field(
      'ierrs_rate',
      'errors/s',
      'Receive errors per second over the last interval (null as for ipkts_rate).',
      converted('ierrs', 'delta ÷ elapsed seconds'),
      converted('ierrs', 'delta ÷ elapsed seconds')
    ),
    field('opkts', 'packets', 'Packets sent since the counter started.', asPrinted('Transmit packets (netstat -i: TX-OK)'), asPrinted('Opkts')),
    field(
      'opkts_rate',
      'packets/s',
      'Packets sent per second over the last interval (null as for ipkts_rate).',
      converted('opkts', 'delta ÷ elapsed seconds'),
      converted('opkts', 'delta ÷ elapsed seconds')
    ),
    field('oerrs', 'errors', 'Send errors since the counter started.', asPrinted('Transmit errs (netstat -i: TX-ERR)'), asPrinted('Oerrs')),
    field(
      'oerrs_rate',
      'errors/s',
      'Send errors per second over the last interval (null as for ipkts_rate).',
      converted('oerrs', 'delta ÷ elapsed seconds'),
      converted('oerrs', 'delta ÷ elapsed seconds')
    ),
    field(
      'time',
      'epoch seconds',
      'When the counters were read (Vigil’s clock).',
      converted('collector clock', 'set when the output arrives'),
      converted('collector clock', 'set when the output arrives')
    )
  ]
}

const processes: CatalogueMetric = {
  metric: 'process',
  description: 'The processes using the most CPU, one row per process per snapshot.',
  commands: {
    linux: {
      command: 'LC_ALL=C ps -e -ww -o pid,user:32,pcpu,pmem,args --sort=-pcpu | head -n <N+1>',
      mode: 'exec',
      note: 'procps ps, sorted by %CPU, header plus the top N.',
      fallback: null
    },
    aix: {
      command: 'LC_ALL=C ps -e -o pid,user,pcpu,pmem,args | { IFS= read -r h; printf \'%s\\n\' "$h"; LC_ALL=C sort -k3,3nr | head -n <N>; }',
      mode: 'exec',
      note: 'AIX ps cannot sort: the header is kept and the rest sorted by %CPU. -e leaves out kernel processes (wait and friends). Zombie and exiting processes, printed with empty columns, are skipped.',
      fallback: null
    }
  },
  fields: [
    field('pid', 'id', 'Process id.', asPrinted('PID'), asPrinted('PID')),
    field('user', 'name', 'Owner (effective user; AIX prints at most 8 characters, or the uid when there is no name).', asPrinted('USER'), asPrinted('USER')),
    field(
      'cpu',
      '%',
      'CPU used, as ps computes it: CPU time over the process lifetime, in % of one CPU (not the last interval; a busy multi-threaded process can exceed 100).',
      asPrinted('%CPU (pcpu)'),
      asPrinted('%CPU (pcpu)')
    ),
    field('mem', '%', 'Resident memory in % of physical memory.', asPrinted('%MEM (pmem)'), asPrinted('%MEM (pmem)')),
    field('command', 'text', 'Command line with its arguments, as ps prints it.', asPrinted('COMMAND (args)'), asPrinted('COMMAND (args)'))
  ]
}

/** Freezes the data all the way down, so no consumer can edit the shared catalogue. */
function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value)
    for (const child of Object.values(value)) deepFreeze(child)
  }
  return value
}

export const METRICS_CATALOGUE: readonly CatalogueMetric[] = deepFreeze([vmstat, iostat, netstat, processes])

/** The catalogue entry of one metric. */
export function catalogueOf(metric: MetricName): CatalogueMetric {
  const entry = METRICS_CATALOGUE.find((candidate) => candidate.metric === metric)
  if (!entry) throw new Error(`no catalogue entry for ${metric}`)
  return entry
}
