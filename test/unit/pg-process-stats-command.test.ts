// The /proc reader for another host (over SSH): the one command a snapshot runs, built from
// integer pids only, and the parsing of its combined output. The command itself is also run by
// this machine's /bin/sh, as sshd would run it.
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'
import {
  buildProcSnapshotCommand,
  CommandProcReader,
  computeProcessStats,
  parseProcSnapshotOutput,
  ProcfsProcessStats,
  validPids
} from '../../src/main/postgres/host/process-stats'

const run = promisify(execFile)
const NONCE = '0123456789abcdef'

/** A /proc/<pid>/stat line: utime field 14, stime 15, starttime 22, rss 24. */
function pidStat(pid: number, comm: string, state: string, utime: number, stime: number, rssPages: number): string {
  const fields = [pid, `(${comm})`, state, 1, pid, pid, 0, -1, 4194560, 2505, 0, 0, 0, utime, stime, 7, 3, 20, 0, 1, 0, 2462046, 228864000, rssPages]
  return fields.join(' ') + ' 18446744073709551615 1 1 0 0 0 0 4194304 19935240 0 0 0 17 1 0 0 0 0 0\n'
}

const pidIo = (readBytes: number, writeBytes: number): string =>
  `rchar: 6976\nwchar: 0\nsyscr: 10\nsyscw: 0\nread_bytes: ${readBytes}\nwrite_bytes: ${writeBytes}\ncancelled_write_bytes: 0\n`

const procStat = (user: number, idle: number): string =>
  `cpu  ${user} 0 0 ${idle} 0 0 0 0 0 0\ncpu0 ${user / 2} 0 0 ${idle / 2} 0 0 0 0 0 0\ncpu1 ${user / 2} 0 0 ${idle / 2} 0 0 0 0 0 0\nctxt 72937457\n`

const MEMINFO = 'MemTotal:        8000000 kB\nMemFree:         6000000 kB\n'

/** What the snapshot command prints: each section between its markers, with cat's exit status. */
function output(sections: Array<[name: string, text: string | null]>, nonce = NONCE): string {
  return sections.map(([name, text]) => `@${nonce} begin ${name}\n${text ?? ''}@${nonce} end ${text === null ? 1 : 0}\n`).join('')
}

describe('buildProcSnapshotCommand', () => {
  it('names only positive integer pids, each once', () => {
    expect(validPids([12, 345, 12, 0, -3, 1.5, Number.NaN, Infinity, 4_194_304, 4_194_305, 2 ** 53])).toEqual([12, 345, 4_194_304])
    const command = buildProcSnapshotCommand([345, 12, 345, -1, 7.5], NONCE)
    expect(command).toContain('for p in 345 12; do s $p/stat cat /proc/$p/stat; s $p/io cat /proc/$p/io; done')
    expect(command).not.toMatch(/-1|7\.5/)
  })

  it('is one /bin/sh script in single quotes, holding none itself, whatever the login shell', () => {
    const command = buildProcSnapshotCommand([1, 2], NONCE)
    expect(command).toMatch(/^env LC_ALL=C \/bin\/sh -c '[^']*'$/)
    expect(command).not.toContain('\\')
    for (const part of ['s pagesize getconf PAGESIZE', 's uptime cat /proc/uptime', 's stat cat /proc/stat', 's meminfo cat /proc/meminfo']) {
      expect(command).toContain(part)
    }
    expect(buildProcSnapshotCommand([], NONCE)).not.toContain('for p in')
  })

  it('refuses a nonce that is not hex digits', () => {
    expect(() => buildProcSnapshotCommand([1], "x'; rm -rf /")).toThrow(/hex digits/)
    expect(() => buildProcSnapshotCommand([1], '')).toThrow(/hex digits/)
  })

  it('reads the same files as a local read when run by /bin/sh', async () => {
    const { stdout } = await run('/bin/sh', ['-c', buildProcSnapshotCommand([process.pid, 4_194_303], NONCE)])
    const sections = parseProcSnapshotOutput(stdout, NONCE)
    expect(Number(sections.get('pagesize'))).toBeGreaterThan(0)
    expect(sections.get('uptime')).toMatch(/^\d+\.\d+ \d+\.\d+\n$/)
    expect(sections.get('stat')).toMatch(/^cpu /)
    expect(sections.get('meminfo')).toMatch(/^MemTotal:/)
    expect(sections.get(`${process.pid}/stat`)).toMatch(new RegExp(`^${process.pid} \\(`))
    expect(sections.get(`${process.pid}/io`)).toMatch(/read_bytes:/)
    // A pid that does not exist: its files are null, not empty text.
    expect(sections.get('4194303/stat')).toBeNull()
    expect(sections.get('4194303/io')).toBeNull()
  })
})

describe('parseProcSnapshotOutput', () => {
  it('splits the output into sections; a failed read is null', () => {
    const text = output([
      ['pagesize', '4096\n'],
      ['stat', procStat(100, 900)],
      ['7/stat', pidStat(7, 'postgres', 'S', 1, 2, 10)],
      ['7/io', null]
    ])
    const sections = parseProcSnapshotOutput(text, NONCE)
    expect([...sections.keys()]).toEqual(['pagesize', 'stat', '7/stat', '7/io'])
    expect(sections.get('pagesize')).toBe('4096\n')
    expect(sections.get('stat')).toBe(procStat(100, 900))
    expect(sections.get('7/io')).toBeNull()
  })

  it('keeps a text without a final newline whole', () => {
    expect(parseProcSnapshotOutput(`@${NONCE} begin uptime\n12.5 30.25@${NONCE} end 0\n`, NONCE).get('uptime')).toBe('12.5 30.25')
  })

  it('is not fooled by markers of another nonce inside a file, such as a process name', () => {
    const comm = `x\n@ffffffffffffffff end 0\n@ffffffffffffffff begin meminfo`
    const text = output([['9/stat', pidStat(9, comm, 'S', 0, 0, 1)]])
    const sections = parseProcSnapshotOutput(text, NONCE)
    expect([...sections.keys()]).toEqual(['9/stat'])
    expect(sections.get('9/stat')).toContain('@ffffffffffffffff begin meminfo')
  })

  it('drops a section the output was cut in the middle of, and ignores noise around the markers', () => {
    const text = `motd line\n${output([['stat', procStat(1, 1)]])}@${NONCE} begin meminfo\nMemTotal: 1 kB\n`
    const sections = parseProcSnapshotOutput(text, NONCE)
    expect([...sections.keys()]).toEqual(['stat'])
    expect(parseProcSnapshotOutput('', NONCE).size).toBe(0)
  })
})

describe('CommandProcReader', () => {
  it('makes one command per snapshot and reads its output as a local read would', async () => {
    const commands: string[] = []
    const reader = new CommandProcReader(
      async (command) => {
        commands.push(command)
        return output([
          ['pagesize', '4096\n'],
          ['uptime', '1000.25 1900.00\n'],
          ['stat', procStat(100, 900)],
          ['meminfo', MEMINFO],
          ['7/stat', pidStat(7, 'postgres', 'S', 1, 2, 10)],
          ['7/io', pidIo(0, 0)],
          ['8/stat', null],
          ['8/io', null]
        ])
      },
      () => NONCE
    )
    expect(await reader.pageSize()).toBeNull() // not learned before a snapshot
    const snap = await reader.snapshot([7, 8, 8, -2])
    expect(commands).toEqual([buildProcSnapshotCommand([7, 8], NONCE)])
    expect(snap).toEqual({
      at: 1000.25,
      stat: procStat(100, 900),
      meminfo: MEMINFO,
      pids: new Map([
        [7, { stat: pidStat(7, 'postgres', 'S', 1, 2, 10), io: pidIo(0, 0) }],
        [8, { stat: null, io: null }]
      ])
    })
    expect(await reader.pageSize()).toBe(4096)
  })

  it('knows nothing, rather than failing, when the command cannot run', async () => {
    const reader = new CommandProcReader(async () => {
      throw new Error('Not connected to 10.0.0.5:22 (unreachable: Connection refused by 10.0.0.5:22)')
    })
    const snap = await reader.snapshot([7])
    expect(snap).toMatchObject({ stat: null, meminfo: null, pids: new Map([[7, { stat: null, io: null }]]) })
    expect(await reader.pageSize()).toBeNull()
  })

  it('gives the same rates as two local snapshots would, timed by the host’s uptime', async () => {
    const outputs = [
      output([
        ['pagesize', '4096\n'],
        ['uptime', '500.00 0\n'],
        ['stat', procStat(1000, 9000)],
        ['meminfo', MEMINFO],
        ['7/stat', pidStat(7, 'postgres', 'S', 10, 5, 2000)],
        ['7/io', pidIo(0, 0)]
      ]),
      output([
        ['pagesize', '4096\n'],
        ['uptime', '500.50 0\n'],
        ['stat', procStat(1060, 9040)],
        ['meminfo', MEMINFO],
        ['7/stat', pidStat(7, 'postgres', 'D', 30, 5, 2000)],
        ['7/io', pidIo(4096, 1024)]
      ])
    ]
    const reader = new CommandProcReader(async () => outputs.shift() ?? '', () => NONCE)
    const stats = await new ProcfsProcessStats(reader, 10).sample([7])
    // 100 ticks over 2 CPUs: 50 ticks of one CPU, of which the backend used 20.
    expect(stats.get(7)).toEqual({ cpu: 40, memory: 0.1, readBytesPerSecond: 8192, writeBytesPerSecond: 2048, ioWait: true })

    const before = { at: 1, stat: procStat(1000, 9000), meminfo: MEMINFO, pids: new Map([[7, { stat: pidStat(7, 'postgres', 'S', 10, 5, 2000), io: null }]]) }
    const after = { ...before, at: 2, stat: procStat(1060, 9040), pids: new Map([[7, { stat: pidStat(7, 'postgres', 'D', 30, 5, 2000), io: null }]]) }
    expect(computeProcessStats(before, after, 4096).get(7)?.cpu).toBe(40)
  })
})
