import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { snapshotRows } from '../../../src/main/imports/nmon-mapping'
import { NmonReader, type NmonFault, type NmonRun, type NmonSnapshot } from '../../../src/main/imports/nmon-reader'

function read(text: string, chunkSize = 64): { snapshots: Array<{ snapshot: NmonSnapshot; run: NmonRun }>; faults: NmonFault[] } {
  const snapshots: Array<{ snapshot: NmonSnapshot; run: NmonRun }> = []
  const faults: NmonFault[] = []
  const reader = new NmonReader({ snapshot: (snapshot, run) => snapshots.push({ snapshot, run }), fault: (fault) => faults.push(fault) }, 0)
  for (let at = 0; at < text.length; at += chunkSize) reader.push(text.slice(at, at + chunkSize))
  reader.end()
  return { snapshots, faults }
}

const aix = readFileSync('test/fixtures/nmon/aix-handwritten.nmon', 'utf8')

describe('nmon recordings', () => {
  it('reads an AIX recording snapshot by snapshot, times in the given zone', () => {
    const { snapshots, faults } = read(aix)
    expect(faults).toEqual([])
    expect(snapshots.map(({ snapshot }) => [snapshot.tag, snapshot.ts])).toEqual([
      ['T0001', Date.UTC(2024, 2, 15, 10, 0, 10)],
      ['T0002', Date.UTC(2024, 2, 15, 10, 0, 20)],
      ['T0003', Date.UTC(2024, 2, 15, 10, 0, 30)]
    ])
    expect(snapshots[0]?.run).toMatchObject({ host: 'aixdb01', os: 'aix', interval: 10 })
  })

  it('maps AIX sections to the fields Vigil collects, in their units', () => {
    const { snapshots } = read(aix)
    const { snapshot, run } = snapshots[1] as { snapshot: NmonSnapshot; run: NmonRun }
    const rows = snapshotRows(snapshot, run, 10)
    expect(rows.vmstat).toEqual([
      { r: 3, b: null, avm: null, fre: 3604.5 * 1024, pi: 8, po: 12, fr: null, interface_in: null, cs: 2100, us: 20, sy: 5, idle: 74, wa: 1 }
    ])
    expect(rows.iostat).toEqual([
      { disk: 'hdisk0', tps: 200, kb_read: 20480, kb_wrtn: 2560, kb_read_rate: 2048, kb_wrtn_rate: 256, service_time: 1.5 },
      { disk: 'hdisk1', tps: 0, kb_read: 0, kb_wrtn: 0, kb_read_rate: 0, kb_wrtn_rate: 0, service_time: 0 }
    ])
    expect(rows.netstat[0]).toEqual({ interface: 'en0', ipkts: null, ierrs: null, opkts: null, oerrs: null, ipkts_rate: 1000, ierrs_rate: 1, opkts_rate: 700, oerrs_rate: 2 })
    expect(rows.process).toEqual([{ pid: 3932170, command: 'oracle', user: '', cpu: 50, mem: 12.6 }])
  })

  it('derives Linux fields: swap pages per interval as KiB/s, service time from %busy, memory share of resident size', () => {
    const linux = [
      'AAA,OS,Linux,6.1,#1,x86_64',
      'AAA,interval,2',
      'CPU_ALL,CPU Total h,User%,Sys%,Wait%,Idle%,Steal%,Busy,CPUs',
      'MEM,Memory MB h,memtotal,memfree,active',
      'PROC,Processes h,Runnable,Blocked,pswitch',
      'DISKBUSY,Disk %Busy h,sda',
      'DISKXFER,Disk transfers per second h,sda',
      'DISKREAD,Disk Read KB/s h,sda',
      'TOP,+PID,Time,%CPU,%Usr,%Sys,Size,ResSet,ResText,ResData,ShdLib,MinorFault,MajorFault,Command',
      'ZZZZ,T0001,00:00:02,01-JAN-2025',
      'VM,Paging and Virtual Memory,pswpin,pswpout',
      'VM,T0001,10,0',
      'CPU_ALL,T0001,1,2,3,94,0,,2',
      'MEM,T0001,1000,500,250',
      'PROC,T0001,4,1,300',
      'DISKBUSY,T0001,50',
      'DISKXFER,T0001,25',
      'DISKREAD,T0001,100',
      'TOP,0000042,T0001,9.5,9,0.5,100,51200,1,1,1,0,0,my,command'
    ].join('\n')
    const { snapshots, faults } = read(linux, 10)
    expect(faults).toEqual([])
    const { snapshot, run } = snapshots[0] as { snapshot: NmonSnapshot; run: NmonRun }
    const rows = snapshotRows(snapshot, run, 2)
    expect(rows.vmstat[0]).toMatchObject({ r: 4, b: 1, cs: 300, fre: 512_000, avm: 256_000, pi: 20, po: 0, us: 1, sy: 2, wa: 3, idle: 94 })
    expect(rows.iostat).toEqual([{ disk: 'sda', tps: 25, kb_read: 200, kb_wrtn: null, kb_read_rate: 100, kb_wrtn_rate: null, service_time: 20 }])
    expect(rows.process).toEqual([{ pid: 42, command: 'my,command', user: '', cpu: 9.5, mem: 5 }])
  })

  it('reports malformed lines with their line numbers', () => {
    const lines = aix.split('\n')
    const at = (prefix: string): number => lines.findIndex((line) => line.startsWith(prefix))
    lines[at('CPU_ALL,T0002')] = 'CPU_ALL,T0002,20.0,five,1.0,74.0,,8.00'
    lines[at('DISKREAD,T0003')] = 'DISKREAD,T0003,512.0'
    lines[at('ZZZZ,T0003')] = 'ZZZZ,T0003,25:00:30,15-MAR-2024'
    const { faults, snapshots } = read(lines.join('\n'))
    expect(faults).toEqual([
      { line: at('CPU_ALL,T0002') + 1, message: 'CPU_ALL: Sys% is not a number: "five"' },
      { line: at('ZZZZ,T0003') + 1, message: 'a ZZZZ line without a tag, a time (HH:MM:SS) and a date (DD-MON-YYYY): "T0003,25:00:30,15-MAR-2024"' }
    ])
    // The bad snapshot's own lines (the short DISKREAD among them) go with it.
    expect(snapshots.map(({ snapshot }) => snapshot.tag)).toEqual(['T0001', 'T0002'])
  })

  it('refuses a sorted file at the first line out of order, and text that is not nmon', () => {
    const sorted = aix.split('\n').filter(Boolean).sort().join('\n')
    const { faults } = read(sorted)
    expect(faults[0]?.message).toMatch(/before any ZZZZ line \(a sorted file\?/)
    expect(read('time,value\n1,2\n').faults).toEqual([{ line: 1, message: 'not an nmon recording: it has no AAA lines' }])
  })

  // Shapes seen in public recordings (bench/README.md, "imports"), written here by hand.
  it('reads NETPACKET whose header has an empty column after each name (Linux nmon 14–15)', () => {
    const text = [
      'AAA,progname,nmon',
      'AAA,OS,Linux,3.10,#1,x86_64',
      'AAA,interval,30',
      'NETPACKET,Network Packets h,eth0-read/s,,lo-read/s,,eth0-write/s,,lo-write/s,',
      'ZZZZ,T0001,10:00:00,18-AUG-2015',
      'NETPACKET,T0001,12.5,0.5,7.0,0.5',
      'ZZZZ,T0002,10:00:30,18-AUG-2015',
      'NETPACKET,T0002,13.5,0.0,8.0,0.0'
    ].join('\n')
    const { snapshots, faults } = read(text)
    expect(faults).toEqual([])
    const rows = snapshots.map(({ snapshot, run }) => snapshotRows(snapshot, run, 30).netstat.map((row) => [row.interface, row.ipkts_rate, row.opkts_rate]))
    expect(rows).toEqual([
      [
        ['eth0', 12.5, 7],
        ['lo', 0.5, 0.5]
      ],
      [
        ['eth0', 13.5, 8],
        ['lo', 0, 0]
      ]
    ])
  })

  it('takes nmon’s -1 (no value: the first snapshot’s VM counters) as no value, not a negative rate', () => {
    const text = [
      'AAA,progname,nmon',
      'AAA,OS,Linux,3.2,#1,x86_64',
      'AAA,interval,1',
      'PROC,Processes h,Runnable,Swap-in,pswitch,syscall',
      'ZZZZ,T0001,13:18:32,07-DEC-2012',
      'VM,Paging and Virtual Memory,nr_dirty,pswpin,pswpout',
      'VM,T0001,-1,-1,-1',
      'PROC,T0001,1.0,-1.0,0.0,-1.0',
      'ZZZZ,T0002,13:18:33,07-DEC-2012',
      'VM,T0002,5,2,0',
      'PROC,T0002,2.0,-1.0,3546.0,-1.0'
    ].join('\n')
    const { snapshots, faults } = read(text)
    expect(faults).toEqual([])
    const vmstat = snapshots.map(({ snapshot, run }) => snapshotRows(snapshot, run, 1).vmstat[0])
    expect(vmstat.map((row) => [row?.r, row?.b, row?.cs, row?.pi, row?.po])).toEqual([
      [1, null, 0, null, null],
      [2, null, 3546, 8, 0]
    ])
  })
})
