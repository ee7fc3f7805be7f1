import { describe, expect, it } from 'vitest'
import { buildConnectString, type OracleAddress } from '../../../src/main/table-monitoring/sources/oracle/connect-descriptor'
import { AppError } from '../../../src/shared/errors'

function refusal(address: OracleAddress): AppError {
  try {
    buildConnectString(address)
  } catch (error) {
    expect(error).toBeInstanceOf(AppError)
    expect((error as AppError).code).toBe('validation')
    return error as AppError
  }
  throw new Error(`expected ${JSON.stringify(address)} to be refused`)
}

describe('buildConnectString', () => {
  it('writes a full descriptor for a SID, which Thin mode cannot take as host:port:SID', () => {
    expect(buildConnectString({ host: '192.168.1.200', port: 1521, sid: 'PROD' })).toBe(
      '(DESCRIPTION=(ADDRESS=(PROTOCOL=TCP)(HOST=192.168.1.200)(PORT=1521))(CONNECT_DATA=(SID=PROD)))'
    )
    expect(buildConnectString({ host: 'db-01.example.com', port: 1522, sid: 'ORCL$1#A', service_name: null })).toBe(
      '(DESCRIPTION=(ADDRESS=(PROTOCOL=TCP)(HOST=db-01.example.com)(PORT=1522))(CONNECT_DATA=(SID=ORCL$1#A)))'
    )
  })

  it('writes Easy Connect for a service name', () => {
    expect(buildConnectString({ host: 'db-01.example.com', port: 1521, service_name: 'FREEPDB1' })).toBe('db-01.example.com:1521/FREEPDB1')
    expect(buildConnectString({ host: '10.0.0.5', port: 1521, service_name: 'sales.example.com', sid: '' })).toBe('10.0.0.5:1521/sales.example.com')
    expect(buildConnectString({ host: '2001:db8::10', port: 1521, service_name: 'orcl_pdb' })).toBe('[2001:db8::10]:1521/orcl_pdb')
    expect(buildConnectString({ host: '[::1]', port: 1521, service_name: 'XE' })).toBe('[::1]:1521/XE')
  })

  it("falls back to a descriptor for service names and hosts Easy Connect's grammar cannot carry", () => {
    expect(buildConnectString({ host: 'db', port: 1521, service_name: 'APP$SVC' })).toBe(
      '(DESCRIPTION=(ADDRESS=(PROTOCOL=TCP)(HOST=db)(PORT=1521))(CONNECT_DATA=(SERVICE_NAME=APP$SVC)))'
    )
    expect(buildConnectString({ host: 'h', port: 1521, service_name: 'XE' })).toBe(
      '(DESCRIPTION=(ADDRESS=(PROTOCOL=TCP)(HOST=h)(PORT=1521))(CONNECT_DATA=(SERVICE_NAME=XE)))'
    )
    expect(buildConnectString({ host: '::ffff:192.0.2.1', port: 1521, service_name: 'XE' })).toBe(
      '(DESCRIPTION=(ADDRESS=(PROTOCOL=TCP)(HOST=::ffff:192.0.2.1)(PORT=1521))(CONNECT_DATA=(SERVICE_NAME=XE)))'
    )
  })

  it.each([
    'db host',
    ' db',
    'db)(HOST=evil',
    'db(x)',
    'a=b',
    'db/x',
    'db:1521',
    'db\\x',
    "db'x",
    'db"x',
    'db,other',
    'db;x',
    '-db',
    'db..example',
    'db.',
    '999.1.1.1',
    '1.2.3',
    'fe80::1%eth0',
    '[fe80::1%eth0]',
    '[db]',
    'x'.repeat(254),
    ''
  ])('refuses the host %j', (host) => {
    expect(refusal({ host, port: 1521, sid: 'PROD' }).field).toBe('host')
  })

  it('refuses ports outside 1–65535', () => {
    for (const port of [0, 65536, -1, 1521.5, Number.NaN]) expect(refusal({ host: 'db', port, sid: 'PROD' }).field).toBe('port')
    expect(refusal({ host: 'db', port: '1521' as unknown as number, sid: 'PROD' }).field).toBe('port')
  })

  it('refuses SIDs and service names outside the safe character set', () => {
    for (const sid of ['PR OD', 'PROD)(X=Y', 'PROD=1', 'PR/OD', 'PR:OD', "PR'OD", 'x'.repeat(129)]) {
      expect(refusal({ host: 'db', port: 1521, sid }).field).toBe('sid')
    }
    expect(refusal({ host: 'db', port: 1521, service_name: 'svc/instance' }).field).toBe('service_name')
  })

  it('needs exactly one of sid and service_name', () => {
    expect(refusal({ host: 'db', port: 1521 })).toMatchObject({ field: 'sid', message: 'give either sid or service_name' })
    expect(refusal({ host: 'db', port: 1521, sid: null, service_name: '' }).field).toBe('sid')
    expect(refusal({ host: 'db', port: 1521, sid: 'A', service_name: 'B' })).toMatchObject({ field: 'service_name' })
  })
})
