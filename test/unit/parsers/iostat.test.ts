import { describe, expect, it } from 'vitest'
import { parseIostat, type IostatSample } from '../../../src/main/metrics/parsers'
import { readFixture, rowsOf } from './fixtures'

const iostat = (name: string, os: 'linux' | 'aix'): IostatSample[] => rowsOf(parseIostat(readFixture(name), os))

describe('parseIostat on Linux (sysstat)', () => {
  it('reads the sysstat 12 basic layout (kB_dscd columns), report after report', () => {
    const rows = iostat('linux-iostat-dky.txt', 'linux')
    expect(rows).toHaveLength(3)
    expect(rows[0]).toEqual({
      disk: 'vda', tps: 1477, kb_read: 414056, kb_wrtn: 410488, kb_read_rate: 414056, kb_wrtn_rate: 410488, service_time: null
    })
    expect(rows[1]).toEqual({ disk: 'vda', tps: 46, kb_read: 452, kb_wrtn: 4, kb_read_rate: 452, kb_wrtn_rate: 4, service_time: null })
    expect(rows[2]).toEqual({ disk: 'vda', tps: 0, kb_read: 0, kb_wrtn: 0, kb_read_rate: 0, kb_wrtn_rate: 0, service_time: null })
  })

  it('reads the sysstat 12 extended layout: tps = r/s + w/s + d/s, rates, service time = %util × 10 ÷ tps', () => {
    const rows = iostat('linux-iostat-dkyx.txt', 'linux')
    expect(rows).toHaveLength(2)
    // Captured at the same time as linux-iostat-dky.txt: the same tps and rates. Without an
    // interval (a one-shot parse) there are no amounts: the extended report prints rates only.
    expect(rows[0]).toEqual({
      disk: 'vda', tps: 626 + 846 + 5, kb_read: null, kb_wrtn: null, kb_read_rate: 414056, kb_wrtn_rate: 410488, service_time: (53.6 * 10) / 1477
    })
    // %util 0.00 over 46 I/Os: under 0.05 ms of busy time, as printed.
    expect(rows[1]).toEqual({ disk: 'vda', tps: 46, kb_read: null, kb_wrtn: null, kb_read_rate: 452, kb_wrtn_rate: 4, service_time: 0 })
  })

  it('gives the extended report its amounts from the interval: rate × interval, as sysstat computes the rate', () => {
    const [first, second] = rowsOf(parseIostat(readFixture('linux-iostat-dkyx.txt'), 'linux', 1))
    // The same capture's basic report printed kB_read 414056, kB_wrtn 410488, then 452 and 4.
    expect(first).toMatchObject({ kb_read: 414056, kb_wrtn: 410488 })
    expect(second).toMatchObject({ kb_read: 452, kb_wrtn: 4 })
    expect(rowsOf(parseIostat(readFixture('linux-iostat-dkyx.txt'), 'linux', 5))[1]).toMatchObject({ kb_read: 452 * 5, kb_read_rate: 452 })
  })

  it('gives 0 ms of service time to an interval without I/O, and none to the basic report (no %util)', () => {
    const text = 'Device            r/s     rkB/s   w/s     wkB/s  %util\nsda              0.00      0.00  0.00      0.00   0.00\n'
    expect(rowsOf(parseIostat(text, 'linux'))[0]?.service_time).toBe(0)
    expect(iostat('linux-iostat-dky.txt', 'linux').map((row) => row.service_time)).toEqual([null, null, null])
  })

  it('reads the old "Device:" basic layout (sysstat 10)', () => {
    const rows = iostat('linux-iostat-d-sysstat10.txt', 'linux')
    expect(rows).toHaveLength(15)
    expect(rows[0]).toEqual({ disk: 'sda', tps: 32.5, kb_read: 0, kb_wrtn: 508, kb_read_rate: 0, kb_wrtn_rate: 254, service_time: null })
    expect(rows[7]).toEqual({
      disk: 'dm-3', tps: 1701.5, kb_read: 38641, kb_wrtn: 37293, kb_read_rate: 19320.5, kb_wrtn_rate: 18646.75, service_time: null
    })
    expect(rows[14]).toMatchObject({ disk: 'dm-10', tps: 0, kb_wrtn_rate: 0 })
  })

  it('reads the old extended layout in MB with svctm: MB/s × 1024, service time from svctm', () => {
    const [row, ...rest] = iostat('linux-iostat-xm-svctm.txt', 'linux')
    expect(rest).toHaveLength(0)
    expect(row?.disk).toBe('sda')
    expect(row?.tps).toBeCloseTo(0.47 + 2.27, 10)
    expect(row?.kb_read).toBeNull()
    expect(row?.kb_wrtn).toBeNull()
    expect(row?.kb_read_rate).toBeCloseTo(0.01 * 1024, 10)
    expect(row?.kb_wrtn_rate).toBeCloseTo(0.03 * 1024, 10)
    expect(row?.service_time).toBe(0.57)
  })

  it('does not take an avg-cpu line of numbers for a disk', () => {
    const text = [
      'avg-cpu:  %user   %nice %system %iowait  %steal   %idle',
      '           0.73    0.00    0.73    0.23    0.00   98.31',
      '',
      'Device:            tps    kB_read/s    kB_wrtn/s    kB_read    kB_wrtn',
      'sdb               0.00         0.00         0.00       4148          0',
      '',
      'avg-cpu:  %user   %nice %system %iowait  %steal   %idle',
      '          23.16    0.00   14.25   24.94    0.00   37.66',
      ''
    ].join('\n')
    expect(rowsOf(parseIostat(text, 'linux')).map((row) => row.disk)).toEqual(['sdb'])
  })
})

describe('parseIostat on AIX', () => {
  it('reads iostat -d: "% tm_act" header, rates shared out of Kbps by Kb_read/Kb_wrtn, no service time', () => {
    const rows = iostat('aix-iostat-d-boot.txt', 'aix')
    expect(rows.map((row) => row.disk)).toEqual(['hdisk1', 'hdisk5', 'hdisk3'])
    const [first, , last] = rows
    expect(first).toMatchObject({ disk: 'hdisk1', tps: 61.6, kb_read: 2076006648, kb_wrtn: 1101763592, service_time: null })
    const total = 2076006648 + 1101763592
    expect(first?.kb_read_rate).toBeCloseTo((417.8 * 2076006648) / total, 9)
    expect(first?.kb_wrtn_rate).toBeCloseTo((417.8 * 1101763592) / total, 9)
    expect(last).toMatchObject({ disk: 'hdisk3', tps: 13.2, kb_read: 154868307, kb_wrtn: 600239296, service_time: null })
    expect(last?.kb_read_rate).toBeCloseTo((99.3 * 154868307) / (154868307 + 600239296), 9)
    expect(last?.kb_wrtn_rate).toBeCloseTo((99.3 * 600239296) / (154868307 + 600239296), 9)
  })

  it('reads an interval report, zero throughput giving zero rates', () => {
    expect(iostat('aix-iostat-d-interval.txt', 'aix')).toEqual([
      { disk: 'hdisk0', tps: 11, kb_read: 0, kb_wrtn: 160, kb_read_rate: 0, kb_wrtn_rate: 160, service_time: null },
      { disk: 'cd0', tps: 0, kb_read: 0, kb_wrtn: 0, kb_read_rate: 0, kb_wrtn_rate: 0, service_time: null }
    ])
  })

  it('cannot share a throughput when less than 1 KiB was counted: null, not a guess', () => {
    const text = 'Disks:        % tm_act     Kbps      tps    Kb_read   Kb_wrtn\nhdisk0           0.0       0.4       0.1          0         0\n'
    expect(rowsOf(parseIostat(text, 'aix'))).toEqual([
      { disk: 'hdisk0', tps: 0.1, kb_read: 0, kb_wrtn: 0, kb_read_rate: null, kb_wrtn_rate: null, service_time: null }
    ])
  })

  it('does not read Linux output as AIX output, nor the reverse', () => {
    expect(parseIostat(readFixture('linux-iostat-dky.txt'), 'aix').ok).toBe(false)
    expect(parseIostat(readFixture('aix-iostat-d-boot.txt'), 'linux').ok).toBe(false)
  })
})

describe('parseIostat errors', () => {
  it('says what it got instead of iostat', () => {
    expect(parseIostat('', 'aix')).toEqual({ ok: false, error: 'no iostat output' })
    const parsed = parseIostat('bash: iostat: command not found\n', 'linux')
    expect(parsed.ok).toBe(false)
    if (!parsed.ok) expect(parsed.error).toContain('iostat: command not found')
  })
})

describe('parseIostat on AIX: iostat -dD (the extended drive report)', () => {
  it('reads a block per disk: tps, bytes/s (decimal K) as KiB/s, service time from the read and write avgserv', () => {
    const rows = rowsOf(parseIostat(readFixture('aix-iostat-dD-hdisk6.txt'), 'aix', 1))
    expect(rows).toHaveLength(3)
    expect(rows[0]).toEqual({ disk: 'hdisk6', tps: 0, kb_read: 0, kb_wrtn: 0, kb_read_rate: 0, kb_wrtn_rate: 0, service_time: 0 })
    // 4 reads of 4 KiB a second: 16,384 bytes, which AIX prints as 16.4K.
    expect(rows[1]).toEqual({ disk: 'hdisk6', tps: 4, kb_read: 16_400 / 1024, kb_wrtn: 0, kb_read_rate: 16_400 / 1024, kb_wrtn_rate: 0, service_time: 4.9 })
    // min/max serv are since boot; an interval without transfers has no service time to average: 0.
    expect(rows[2]).toMatchObject({ tps: 0, service_time: 0 })
  })

  it('weights the reads and the writes service times by how many of each completed, and scales amounts by the interval', () => {
    const text = [
      'hdisk0          xfer:  %tm_act      bps      tps      bread      bwrtn',
      '                         36.0     1.5M     30.0      512.0K       1.0M',
      '               read:      rps  avgserv  minserv  maxserv   timeouts      fails',
      '                         10.0      2.0      0.1      8.4           0          0',
      '              write:      wps  avgserv  minserv  maxserv   timeouts      fails',
      '                         20.0      5.0      1.2     16.2           0          0',
      '              queue:  avgtime  mintime  maxtime  avgwqsz    avgsqsz     sqfull',
      '                          0.0      0.0      0.0      0.0        0.0         0.0',
      '--------------------------------------------------------------------------------'
    ].join('\n') // built here: the layout of aix-iostat-dD-hdisk6.txt with traffic on both sides
    expect(rowsOf(parseIostat(text, 'aix', 30))).toEqual([
      { disk: 'hdisk0', tps: 30, kb_read: (512_000 / 1024) * 30, kb_wrtn: (1_000_000 / 1024) * 30, kb_read_rate: 500, kb_wrtn_rate: 1_000_000 / 1024, service_time: (10 * 2 + 20 * 5) / 30 }
    ])
  })
})

describe('iostat rows that do not read', () => {
  const dkyx = readFixture('linux-iostat-dkyx.txt')

  it('rejects, quoting it, the one device row that does not read, and keeps the others of the report', () => {
    // Built from the real capture: a second disk, then the same row with decimal commas (a locale).
    const row = dkyx.split('\n').find((line) => line.startsWith('vda')) ?? ''
    const text = dkyx.replace(row, `${row}\n${row.replace('vda', 'vdb').replace(/\./g, ',')}\n${row.replace('vda', 'vdc')}`)
    const parsed = parseIostat(text, 'linux', 1)
    expect(parsed.ok).toBe(true)
    if (!parsed.ok) return
    expect(parsed.rows.map((sample) => sample.disk)).toEqual(['vda', 'vdc', 'vda'])
    expect(parsed.rejected).toHaveLength(1)
    expect(parsed.rejected?.[0]).toMatch(/^a line does not match its header "Device +r\/s +rkB\/s .*": vdb +626,00 414056,00/)
  })

  it('follows a header with a new column, and rejects rows still in the old layout under it', () => {
    const [header = '', row = ''] = dkyx.split('\n').filter((line) => line.startsWith('Device') || line.startsWith('vda'))
    const text = [header.replace('%util', '%util  x_new'), `${row}   1.00`, row, ''].join('\n')
    const parsed = parseIostat(text, 'linux')
    expect(parsed).toMatchObject({ ok: true, rows: [{ disk: 'vda', tps: 1477 }] })
    expect(parsed.ok && parsed.rejected).toEqual([expect.stringContaining(row.trim())])
  })

  it('never takes a line after the device section for a disk: a blank line or a section title ends it', () => {
    const text = 'Device            r/s     w/s  %util\nsda              1.00    1.00   1.00\n\n12/02/2026 10:00:01 AM\navg-cpu:  %user\n          1.00\n'
    expect(parseIostat(text, 'linux')).toEqual({ ok: true, rows: [expect.objectContaining({ disk: 'sda' })] })
  })

  it('rejects an AIX -D values line that does not match its names', () => {
    const text = readFixture('aix-iostat-dD-hdisk6.txt').replace('16.4K     4.0       16.4K', '16,4K     4,0       16,4K')
    const parsed = parseIostat(text, 'aix', 1)
    expect(parsed.ok && parsed.rows.map((sample) => sample.tps)).toEqual([0, 0])
    expect(parsed.ok && parsed.rejected).toEqual([expect.stringMatching(/a line does not match its header "hdisk6 +xfer: .*": 9\.6 +16,4K/)])
  })
})
