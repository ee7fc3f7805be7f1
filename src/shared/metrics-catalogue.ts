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
  /**
   * "stream": one long-running channel; "exec": run once per collection cycle; "loop": run every
   * interval inside the report loop, the one long-running shell loop per server that prints each
   * such report after a marker line (Sync now runs the command on its own).
   */
  readonly mode: 'stream' | 'exec' | 'loop'
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
      command:
        "LC_ALL=C vmstat -n -a <interval> | { LC_ALL=C getconf PAGESIZE | LC_ALL=C awk '{ print \"vigil-pagesize\", $1 }'; while IFS= read -r l; do LC_ALL=C awk '/^pgsteal_/ && $1 !~ /_(anon|file)$/ { s += $2; n++ } END { if (n) printf \"vigil-pgsteal %.0f\\n\", s }' /proc/vmstat; printf '%s\\n' \"$l\"; done; }",
      mode: 'stream',
      note: 'procps vmstat; -a shows active/inactive memory, -n prints the header once. The first row (averages since boot) is dropped. Before each line of vmstat the shell loop prints the sum of the pgsteal counters of /proc/vmstat read at that moment (and the page size once), for fr.',
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
      converted(
        'pgsteal_* of /proc/vmstat',
        'pages reclaimed between the readings before two rows (the sum of pgsteal_kswapd, _direct, _khugepaged, _proactive — or the per-zone pgsteal_* of kernels before 4.8; pgsteal_anon and _file count the same pages again and are left out) × the page size ÷ 1024 ÷ the interval; null on the first row, when the counters went backwards or the page size is unknown'
      ),
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
      command: 'LC_ALL=C iostat -d -k -x -y <interval>',
      mode: 'stream',
      note: 'sysstat; -d devices only, -k kB, -x the extended report (%util), -y skips the since-boot report. The old (svctm, "Device:") and new extended layouts, and the basic ones, are read by column name. A host whose iostat refuses -y (sysstat before 10.1.3: RHEL/CentOS 6, SLES 11) prints its usage and exits at once: Vigil then runs the fallback for that server and drops its first report itself.',
      fallback: 'LC_ALL=C iostat -d -k -x <interval>'
    },
    aix: {
      command: 'LC_ALL=C iostat -dD <interval>',
      mode: 'stream',
      note: 'The extended drive report: a block per disk (xfer, read, write, queue). The first report is treated as since boot and dropped (costing one interval where AIX already reports an interval first); a report ends where its first disk comes back.',
      fallback: null
    }
  },
  fields: [
    field('disk', 'name', 'Device name (sda, dm-0, nvme0n1; hdisk0, cd0).', asPrinted('Device'), asPrinted('the name before xfer:')),
    field(
      'tps',
      'transfers/s',
      'I/O requests completed per second.',
      converted('r/s + w/s + d/s', 'as sysstat counts tps (the basic report prints tps)'),
      asPrinted('tps (xfer)')
    ),
    field(
      'kb_read',
      'KiB',
      'KiB read during the interval.',
      converted('rkB/s', '× the interval: the extended report prints rates only, which sysstat computes as the amount ÷ the interval (the basic report prints kB_read)'),
      converted('bread (xfer)', 'bytes/s (K, M, G, T suffixes are powers of 1000) ÷ 1024 × the interval')
    ),
    field(
      'kb_wrtn',
      'KiB',
      'KiB written during the interval.',
      converted('wkB/s', '× the interval (the basic report prints kB_wrtn)'),
      converted('bwrtn (xfer)', 'bytes/s ÷ 1024 × the interval')
    ),
    field(
      'kb_read_rate',
      'KiB/s',
      'Read throughput.',
      converted('rkB/s (basic: kB_read/s)', 'MB/s × 1024, sectors/s ÷ 2 when iostat printed those'),
      converted('bread (xfer)', 'bytes/s ÷ 1024')
    ),
    field(
      'kb_wrtn_rate',
      'KiB/s',
      'Write throughput.',
      converted('wkB/s (basic: kB_wrtn/s)', 'MB/s × 1024, sectors/s ÷ 2 when iostat printed those'),
      converted('bwrtn (xfer)', 'bytes/s ÷ 1024')
    ),
    field(
      'service_time',
      'ms',
      'Average service time per I/O request: the time the disk spent on one, queueing before it not counted. 0 for an interval without I/O.',
      converted(
        '%util, tps',
        "%util × 10 ÷ tps: the device's busy time in the interval shared out over the I/Os completed, as sysstat computed svctm (sysstat 12 no longer prints it; svctm is read where an older sysstat does). A device serving requests in parallel (SSD, NVMe, RAID) shows less than one request takes: compare a disk with itself"
      ),
      converted('avgserv (read, write)', '(rps × read avgserv + wps × write avgserv) ÷ (rps + wps): the reads’ and writes’ average service times, weighted by how many of each completed')
    )
  ]
}

const netstat: CatalogueMetric = {
  metric: 'netstat',
  description: 'Packet and error counters per network interface, with per-second rates.',
  commands: {
    linux: {
      command: 'LC_ALL=C cat /proc/net/dev',
      mode: 'loop',
      note: 'Always present on Linux; read by its Receive/Transmit column names. The loop reads netstat -i where /proc/net/dev cannot be read, and runs a loop with netstat -i only for a host whose /proc/net/dev does not read.',
      fallback: 'LC_ALL=C netstat -i'
    },
    aix: {
      command: 'LC_ALL=C netstat -in',
      mode: 'loop',
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
      mode: 'loop',
      note: 'procps ps, sorted by %CPU, header plus the top N.',
      fallback: null
    },
    aix: {
      command: 'LC_ALL=C ps -e -o pid,user,pcpu,pmem,args | { IFS= read -r h; printf \'%s\\n\' "$h"; LC_ALL=C sort -k3,3nr | head -n <N>; }',
      mode: 'loop',
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
