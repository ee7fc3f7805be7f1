import { describe, expect, it } from 'vitest'
import { parseInterfaces } from '../../../src/main/metrics/parsers'
import { readFixture, rowsOf } from './fixtures'

describe('parseInterfaces from /proc/net/dev', () => {
  it('reads Receive/Transmit packets and errs by column name', () => {
    const rows = rowsOf(parseInterfaces(readFixture('linux-proc-net-dev.txt'), 'linux', 'procnetdev'))
    expect(rows).toHaveLength(4)
    expect(rows[0]).toEqual({ interface: 'lo', ipkts: 19490, ierrs: 0, opkts: 19490, oerrs: 0 })
    expect(rows[3]).toEqual({ interface: 'eth0', ipkts: 25058, ierrs: 0, opkts: 18786, oerrs: 0 })
  })

  it('reads the old kernel form where the first counter touches the colon', () => {
    const text = [
      'Inter-|   Receive                                                |  Transmit',
      ' face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed',
      '  eth0:1234567890   25058    3    0    0     0          0         0  2648280   18786    2    0    0     0       0          0'
    ].join('\n')
    expect(rowsOf(parseInterfaces(text, 'linux', 'procnetdev'))).toEqual([
      { interface: 'eth0', ipkts: 25058, ierrs: 3, opkts: 18786, oerrs: 2 }
    ])
  })

  it('keeps an interface whose byte counter is past 2^53 (only the packet and error counters are read)', () => {
    // Synthetic: a long-running 100 Gbit/s interface.
    const text = [
      'Inter-|   Receive                                                |  Transmit',
      ' face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed',
      '  eth4: 18446744073709551000 9000000000    0    0    0     0          0         0 18000000000000000000 8000000000    1    0    0     0       0          0'
    ].join('\n')
    expect(rowsOf(parseInterfaces(text, 'linux', 'procnetdev'))).toEqual([
      { interface: 'eth4', ipkts: 9000000000, ierrs: 0, opkts: 8000000000, oerrs: 1 }
    ])
  })

  it('is Linux only', () => {
    expect(parseInterfaces(readFixture('linux-proc-net-dev.txt'), 'aix', 'procnetdev')).toEqual({
      ok: false,
      error: '/proc/net/dev exists on Linux only'
    })
  })
})

describe('parseInterfaces from netstat -i', () => {
  it('reads net-tools netstat -i on Linux (RX-OK, RX-ERR, TX-OK, TX-ERR)', () => {
    expect(rowsOf(parseInterfaces(readFixture('linux-netstat-i.txt'), 'linux', 'netstat'))).toEqual([
      { interface: 'eth0', ipkts: 25058, ierrs: 0, opkts: 18786, oerrs: 0 },
      { interface: 'lo', ipkts: 19490, ierrs: 0, opkts: 19490, oerrs: 0 }
    ])
  })

  it('keeps one row per AIX interface, even when its link row has a blank Address', () => {
    expect(rowsOf(parseInterfaces(readFixture('aix-netstat-i.txt'), 'aix', 'netstat'))).toEqual([
      { interface: 'en0', ipkts: 251284, ierrs: 0, opkts: 128748, oerrs: 0 },
      { interface: 'lo0', ipkts: 10095, ierrs: 0, opkts: 11270, oerrs: 0 }
    ])
  })

  it('reads AIX rows with several addresses per interface and large counters', () => {
    expect(rowsOf(parseInterfaces(readFixture('aix-netstat-i-powerha.txt'), 'aix', 'netstat'))).toEqual([
      { interface: 'en1', ipkts: 281954049, ierrs: 0, opkts: 33827048, oerrs: 0 },
      { interface: 'en0', ipkts: 901593154, ierrs: 0, opkts: 586172871, oerrs: 0 }
    ])
  })

  it('strips the "*" AIX puts after a down interface', () => {
    const text = 'Name  Mtu   Network     Address              Ipkts Ierrs    Opkts Oerrs  Coll\nen1*  1500  link#3      0.9.6b.2e.be.3d          0     0        0     0     0\n'
    expect(rowsOf(parseInterfaces(text, 'aix', 'netstat'))).toEqual([{ interface: 'en1', ipkts: 0, ierrs: 0, opkts: 0, oerrs: 0 }])
  })

  it('skips rows whose counters are not numbers rather than inventing them', () => {
    const text = 'Name  Mtu   Network     Address              Ipkts Ierrs    Opkts Oerrs  Coll\nen2   1500  link#4      0.9.6b.2e.be.3e        N/A   N/A      N/A   N/A   N/A\n'
    expect(parseInterfaces(text, 'aix', 'netstat')).toEqual({ ok: true, rows: [] })
  })

  it('says what it got instead of netstat', () => {
    const parsed = parseInterfaces('netstat: not found\n', 'linux', 'netstat')
    expect(parsed.ok).toBe(false)
    if (!parsed.ok) expect(parsed.error).toContain('netstat: not found')
    expect(parseInterfaces('', 'aix', 'netstat')).toEqual({ ok: false, error: 'no interface output' })
  })
})
