// How OracleSource turns node-oracledb's failures into AppErrors, how it types fetched values,
// and (with a stand-in driver) how it runs a call: read-only transaction, callTimeout, rollback,
// the watchdog. The error objects come from the driver's own lib/errors.js (getErr for NJS-
// codes, transformErr for server ORA- errors, as lib/thin/protocol/protocol.js raises them), so
// codes and texts are exactly what Vigil will see.
import { createRequire } from 'node:module'
import { describe, expect, it } from 'vitest'
import {
  loadOracleDriver,
  type OracleBinds,
  type OracleConnectConfig,
  type OracleConnection,
  type OracleDriver,
  type OracleExecuteOptions
} from '../../../src/main/table-monitoring/sources/oracle/driver'
import { oracleFailure, type OracleFailureContext } from '../../../src/main/table-monitoring/sources/oracle/errors'
import { OracleSource } from '../../../src/main/table-monitoring/sources/oracle/oracle-source'
import { oracleFetchTypeHandler, oracleNumberValue } from '../../../src/main/table-monitoring/sources/oracle/values'
import { AppError } from '../../../src/shared/errors'

const require = createRequire(import.meta.url)
interface DriverErrors {
  getErr(errorNum: number, ...args: unknown[]): Error & { code: string }
  transformErr(err: Error): Error & { code: string }
  [name: string]: unknown
}
const errors = require('oracledb/lib/errors.js') as DriverErrors
const driver = loadOracleDriver()

const CONNECTION_ID = 'k1Jd9XcVQ4GmQ0n6m1b3Vw=='

/** An NJS- error as the Thin network layer throws it. */
function njs(name: string, ...args: unknown[]): Error & { code: string } {
  return errors.getErr(errors[name] as number, ...args)
}

/** A server error as Thin mode raises it: the server's text, errorNum and offset, then transformErr. */
function ora(text: string, offset = 0): Error & { code: string } {
  const err = Object.assign(new Error(text), { errorNum: Number(/ORA-(\d{5})/.exec(text)?.[1]), offset, isRecoverable: false })
  return errors.transformErr(err)
}

const service: OracleFailureContext = { host: '10.0.0.5', port: 1521, user: 'monitor', service_name: 'SALES', phase: 'connect', connectTimeoutSeconds: 10 }
const sid: OracleFailureContext = { host: 'db-01.example.com', port: 1522, user: 'monitor', sid: 'PROD', phase: 'connect', connectTimeoutSeconds: 10 }
const query: OracleFailureContext = { ...service, phase: 'query', timeoutMs: 60_000 }
const dictionary: OracleFailureContext = { ...service, phase: 'dictionary', timeoutMs: 30_000 }

function mapped(err: unknown, at: OracleFailureContext) {
  const failure = oracleFailure(err, at)
  return { code: failure.code, reason: failure.extra?.reason, oracle_code: failure.extra?.oracle_code, field: failure.field, message: failure.message }
}

describe('oracleFailure: the listener and the network', () => {
  it('names the unknown service and host:port (NJS-518, the listener answered ERR=12514)', () => {
    const err = njs('ERR_INVALID_SERVICE_NAME', 'SALES', '10.0.0.5', 1521, CONNECTION_ID)
    expect(err.message).toBe(`NJS-518: cannot connect to Oracle Database. Service "SALES" is not registered with the listener at host 10.0.0.5 port 1521. (CONNECTION_ID=${CONNECTION_ID})`)
    expect(mapped(err, service)).toEqual({
      code: 'unavailable',
      reason: 'unknown_service',
      oracle_code: 'NJS-518',
      field: undefined,
      message: "The Oracle listener at 10.0.0.5:1521 does not know service_name 'SALES' (ORA-12514): check the name; `lsnrctl services` on the database server lists the registered ones"
    })
  })

  it('names the unknown SID and host:port (NJS-519, ERR=12505)', () => {
    const err = njs('ERR_INVALID_SID', 'PROD', 'db-01.example.com', 1522, CONNECTION_ID)
    expect(mapped(err, sid)).toEqual({
      code: 'unavailable',
      reason: 'unknown_sid',
      oracle_code: 'NJS-519',
      field: undefined,
      message: "The Oracle listener at db-01.example.com:1522 does not know SID 'PROD' (ORA-12505): check the SID, or give the service_name instead"
    })
  })

  it('reads ORA-12514 / ORA-12505 in the text too (Thick mode, python-oracledb DPY- wrapping)', () => {
    const thick = Object.assign(new Error('ORA-12514: Cannot connect to database. Service SALES is not registered with the listener at host 10.0.0.5 port 1521.'), { code: 'ORA-12514', errorNum: 12514 })
    expect(mapped(thick, service)).toMatchObject({ code: 'unavailable', reason: 'unknown_service', oracle_code: 'ORA-12514' })
    const dpy = Object.assign(new Error('DPY-6003: SID "PROD" is not registered with the listener at host "db-01.example.com" port 1522. (Similar to ORA-12505)'), { code: 'DPY-6003' })
    expect(mapped(dpy, sid)).toMatchObject({ code: 'unavailable', reason: 'unknown_sid', message: expect.stringContaining("SID 'PROD'") })
  })

  it('says the connection was refused, with what was tried (NJS-503 over ECONNREFUSED)', () => {
    const err = njs('ERR_CONNECTION_INCOMPLETE', '10.0.0.5', 1521, CONNECTION_ID, 'connect ECONNREFUSED 10.0.0.5:1521')
    expect(mapped(err, service)).toEqual({
      code: 'unavailable',
      reason: 'refused',
      oracle_code: 'NJS-503',
      field: undefined,
      message: "Connection refused by 10.0.0.5:1521 (service_name 'SALES'): no Oracle listener is running on that port"
    })
  })

  it('says nothing answered within the connect timeout (NJS-510)', () => {
    const err = njs('ERR_CONNECTION_TIMEDOUT', 'db-01.example.com', 1522, 'connectTimeout', 10, CONNECTION_ID)
    expect(mapped(err, sid)).toEqual({
      code: 'unavailable',
      reason: 'timeout',
      oracle_code: 'NJS-510',
      field: undefined,
      message: "No answer from an Oracle listener at db-01.example.com:1522 (SID 'PROD') within the 10 s connection timeout: check the host, the port and any firewall in between"
    })
  })

  it('names the host it could not resolve (NJS-530 does not)', () => {
    expect(mapped(njs('ERR_HOST_NOT_FOUND'), sid)).toMatchObject({
      code: 'unavailable',
      reason: 'unreachable',
      message: "Cannot resolve host name 'db-01.example.com' (for db-01.example.com:1522, SID 'PROD')"
    })
  })

  it('says when there is no route to the host', () => {
    const err = njs('ERR_CONNECTION_INCOMPLETE', '10.0.0.5', 1521, CONNECTION_ID, 'connect EHOSTUNREACH 10.0.0.5:1521')
    expect(mapped(err, service)).toMatchObject({
      code: 'unavailable',
      reason: 'unreachable',
      message: "No route to 10.0.0.5:1521 (service_name 'SALES'): connect EHOSTUNREACH 10.0.0.5:1521"
    })
  })

  it('says when the operating system gave up on the TCP connect (ETIMEDOUT)', () => {
    const err = njs('ERR_CONNECTION_INCOMPLETE', '10.0.0.5', 1521, CONNECTION_ID, 'connect ETIMEDOUT 10.0.0.5:1521')
    expect(mapped(err, service)).toMatchObject({
      code: 'unavailable',
      reason: 'timeout',
      message: "The TCP connection to 10.0.0.5:1521 (service_name 'SALES') timed out: connect ETIMEDOUT 10.0.0.5:1521"
    })
  })

  it('passes on the cause of any other listener refusal (NJS-511)', () => {
    const err = njs('ERR_CONNECTION_REFUSED', '10.0.0.5', 1521, CONNECTION_ID, 'ORA-12516')
    expect(mapped(err, service)).toMatchObject({
      code: 'unavailable',
      reason: 'listener_refused',
      oracle_code: 'ORA-12516',
      message: "The Oracle listener at 10.0.0.5:1521 refused the connection to service_name 'SALES' (ORA-12516): ORA-12516"
    })
  })

  it('reports a lost connection, without the help URL or connection id (NJS-500 wrapping NJS-521, ORA-03113)', () => {
    const eof = njs('ERR_CONNECTION_EOF', '10.0.0.5', 1521, CONNECTION_ID)
    const closed = njs('ERR_CONNECTION_CLOSED')
    closed.message += '\n' + eof.message
    expect(mapped(closed, query)).toEqual({
      code: 'unavailable',
      reason: 'connection_lost',
      oracle_code: 'NJS-500',
      field: undefined,
      message:
        "The connection to Oracle at 10.0.0.5:1521 (service_name 'SALES') was lost: NJS-500: connection to Oracle Database was closed or broken; NJS-521: connection to host 10.0.0.5 port 1521 received end-of-file on communication channel."
    })
    // transformErr turns the server's ORA-03113 into NJS-500 itself.
    const eofFromServer = ora('ORA-03113: end-of-file on communication channel')
    expect(eofFromServer.code).toBe('NJS-500')
    expect(mapped(eofFromServer, query)).toMatchObject({ code: 'unavailable', reason: 'connection_lost' })
    expect(mapped(eofFromServer, query).message).not.toMatch(/Help:|CONNECTION_ID/)
  })

  it('says the database is not open (ORA-01033, ORA-01034)', () => {
    expect(mapped(ora('ORA-01033: ORACLE initialization or shutdown in progress'), service)).toMatchObject({
      code: 'unavailable',
      reason: 'server_unavailable',
      message: "Oracle at 10.0.0.5:1521 (service_name 'SALES') is not open for connections (starting up, shutting down or down): ORA-01033: ORACLE initialization or shutdown in progress"
    })
    expect(mapped(ora('ORA-01034: The Oracle instance is not available for use. Start the instance.'), service)).toMatchObject({ reason: 'server_unavailable' })
  })
})

describe('oracleFailure: the login', () => {
  it('says the username or password is wrong, on the password field (ORA-01017, 19c and 23ai texts)', () => {
    for (const text of ['ORA-01017: invalid username/password; logon denied', 'ORA-01017: invalid credential or not authorized; logon denied']) {
      const err = ora(text)
      expect(err.code).toBe('ORA-01017')
      expect(err.message).toContain('Help: https://docs.oracle.com/error-help/db/ora-01017/')
      expect(mapped(err, service)).toEqual({
        code: 'validation',
        reason: 'auth_failed',
        oracle_code: 'ORA-01017',
        field: 'password',
        message: "Oracle at 10.0.0.5:1521 (service_name 'SALES') refused user 'monitor': invalid username or password (ORA-01017)"
      })
    }
  })

  it('says the account is locked or its password expired', () => {
    expect(mapped(ora('ORA-28000: The account is locked.'), service)).toMatchObject({
      code: 'validation',
      reason: 'auth_failed',
      field: 'username',
      message: "The account 'monitor' is locked on 10.0.0.5:1521 (ORA-28000): a DBA can unlock it with ALTER USER … ACCOUNT UNLOCK"
    })
    expect(mapped(ora('ORA-28001: the password has expired'), service)).toMatchObject({ code: 'validation', reason: 'auth_failed', field: 'password' })
  })

  it('says the account may not log on (ORA-01045)', () => {
    expect(mapped(ora('ORA-01045: Login denied. User MONITOR does not have CREATE SESSION privilege.'), service)).toMatchObject({
      code: 'forbidden',
      reason: 'insufficient_privilege',
      message: "User 'monitor' may not log on to 10.0.0.5:1521 (ORA-01045): it lacks the CREATE SESSION privilege"
    })
  })
})

describe('oracleFailure: statements', () => {
  it('maps ORA-00942 to not_found and ORA-01031 to forbidden', () => {
    expect(mapped(ora('ORA-00942: table or view does not exist'), query)).toEqual({
      code: 'not_found',
      reason: 'not_found',
      oracle_code: 'ORA-00942',
      field: undefined,
      message: "Oracle at 10.0.0.5:1521: the table or view does not exist, or user 'monitor' may not read it (ORA-00942: table or view does not exist)"
    })
    expect(mapped(ora('ORA-01031: insufficient privileges'), query)).toMatchObject({
      code: 'forbidden',
      reason: 'insufficient_privilege',
      message: "User 'monitor' lacks a privilege on 10.0.0.5:1521: ORA-01031: insufficient privileges"
    })
  })

  it("names the where_clause for parse and conversion errors in a snapshot query", () => {
    expect(mapped(ora('ORA-00904: "STATUS_X": invalid identifier', 48), query)).toEqual({
      code: 'validation',
      reason: 'invalid_where',
      oracle_code: 'ORA-00904',
      field: 'where_clause',
      message: 'Oracle could not run the snapshot query: ORA-00904: "STATUS_X": invalid identifier. Check the where_clause (and that the monitored columns still exist)'
    })
    for (const text of ['ORA-00936: missing expression', 'ORA-00920: invalid relational operator', 'ORA-01722: invalid number', 'ORA-00933: SQL command not properly ended', 'ORA-01843: not a valid month']) {
      expect(mapped(ora(text), query)).toMatchObject({ code: 'validation', reason: 'invalid_where', field: 'where_clause' })
    }
  })

  it('says a write was refused by the read-only transaction (ORA-01456, ORA-14551)', () => {
    expect(mapped(ora('ORA-14551: cannot perform a DML operation inside a query'), query)).toMatchObject({
      code: 'validation',
      reason: 'read_only',
      field: 'where_clause',
      message: 'The snapshot query tried to write to the database (ORA-14551: cannot perform a DML operation inside a query): snapshots run read-only; remove whatever writes from the where_clause'
    })
    expect(mapped(ora('ORA-01456: may not perform insert/delete/update operation inside a READ ONLY transaction'), query)).toMatchObject({ reason: 'read_only' })
  })

  it('does not blame a where_clause outside snapshot queries', () => {
    expect(mapped(ora('ORA-00904: "ORACLE_MAINTAINED": invalid identifier'), dictionary)).toMatchObject({ code: 'internal', reason: 'error', oracle_code: 'ORA-00904' })
  })

  it('says a call was cancelled at its time limit (NJS-123 callTimeout, ORA-01013)', () => {
    const err = njs('ERR_CALL_TIMEOUT_EXCEEDED', 60_000)
    expect(err.message).toBe('NJS-123: call timeout of 60000 ms exceeded')
    expect(mapped(err, query)).toEqual({
      code: 'unavailable',
      reason: 'timeout',
      oracle_code: 'NJS-123',
      field: undefined,
      message: 'The snapshot query on Oracle at 10.0.0.5:1521 was cancelled after 60000 ms, its time limit'
    })
    expect(mapped(ora('ORA-01013: User requested cancel of current operation.'), dictionary)).toMatchObject({
      reason: 'timeout',
      message: 'Reading the data dictionary on Oracle at 10.0.0.5:1521 was cancelled after 30000 ms, its time limit'
    })
  })

  it('passes anything else on as internal, with the text and no help URL', () => {
    expect(mapped(ora('ORA-01555: snapshot too old: rollback segment number 12 with name "_SYSSMU12$" too small'), query)).toEqual({
      code: 'internal',
      reason: 'error',
      oracle_code: 'ORA-01555',
      field: undefined,
      message: 'Oracle at 10.0.0.5:1521: ORA-01555: snapshot too old: rollback segment number 12 with name "_SYSSMU12$" too small'
    })
    expect(mapped('something odd', query)).toMatchObject({ code: 'internal', message: 'Oracle at 10.0.0.5:1521: something odd' })
  })

  it('keeps an AppError as it is, and writes IPv6 hosts in brackets', () => {
    const own = new AppError('unavailable', 'mine')
    expect(oracleFailure(own, query)).toBe(own)
    const v6 = njs('ERR_CONNECTION_INCOMPLETE', '2001:db8::5', 1521, CONNECTION_ID, 'connect ECONNREFUSED 2001:db8::5:1521')
    expect(mapped(v6, { ...service, host: '2001:db8::5' }).message).toBe("Connection refused by [2001:db8::5]:1521 (service_name 'SALES'): no Oracle listener is running on that port")
  })
})

describe('value types', () => {
  const handler = oracleFetchTypeHandler(driver)
  const column = (dbType: unknown, precision?: number, scale?: number) => ({ name: 'C', dbType: dbType as OracleDriver['DB_TYPE_NUMBER'], precision, scale })

  it('fetches CLOB and NCLOB as strings and BLOB as a Buffer', () => {
    expect(handler(column(driver.DB_TYPE_CLOB))).toEqual({ type: driver.DB_TYPE_VARCHAR })
    expect(handler(column(driver.DB_TYPE_NCLOB))).toEqual({ type: driver.DB_TYPE_VARCHAR })
    expect(handler(column(driver.DB_TYPE_BLOB))).toEqual({ type: driver.DB_TYPE_RAW })
    expect(handler(column(driver.DB_TYPE_RAW))).toBeUndefined()
    expect(handler(column(driver.DB_TYPE_VARCHAR))).toBeUndefined()
  })

  it('lets NUMBER(1..15) take the fast path and fetches every other NUMBER as text to decide per value', () => {
    expect(handler(column(driver.DB_TYPE_NUMBER, 10, 0))).toBeUndefined()
    expect(handler(column(driver.DB_TYPE_NUMBER, 15, 2))).toBeUndefined()
    for (const [precision, scale] of [[0, -127], [16, 0], [38, 0], [126, -127], [19, 4]]) {
      expect(handler(column(driver.DB_TYPE_NUMBER, precision, scale))).toEqual({ type: driver.DB_TYPE_VARCHAR, converter: oracleNumberValue })
    }
  })

  it('gives numbers when they hold the value exactly, the decimal text otherwise', () => {
    expect(oracleNumberValue('42')).toBe(42)
    expect(oracleNumberValue('-.05')).toBe(-0.05)
    expect(oracleNumberValue('0.1')).toBe(0.1)
    expect(oracleNumberValue('123.4500')).toBe(123.45)
    expect(oracleNumberValue('0')).toBe(0)
    expect(oracleNumberValue('9007199254740991')).toBe(9007199254740991)
    expect(oracleNumberValue('1000000000000000000000')).toBe('1000000000000000000000')
    expect(oracleNumberValue('9007199254740992')).toBe('9007199254740992')
    expect(oracleNumberValue('9007199254740993')).toBe('9007199254740993')
    expect(oracleNumberValue('12345678901234567890')).toBe('12345678901234567890')
    expect(oracleNumberValue('0.12345678901234567')).toBe('0.12345678901234567')
    expect(oracleNumberValue('3.14159265358979')).toBe(3.14159265358979)
    expect(oracleNumberValue('.000000000000000000000000001')).toBe(1e-27)
    expect(oracleNumberValue(null)).toBeNull()
  })
})

// ---------------------------------------------------------------------------------------------
// The call lifecycle, with a stand-in for the driver.

type Step = (sql: string, binds: OracleBinds | undefined, options: OracleExecuteOptions | undefined) => Promise<{ rows?: unknown[] }>

class FakeConnection implements OracleConnection {
  callTimeout = 0
  readonly oracleServerVersionString = '19.22.0.0.0'
  readonly log: string[] = []
  executeOptions: Array<OracleExecuteOptions | undefined> = []
  constructor(private readonly respond: Step) {}
  execute(sql: string, binds?: OracleBinds, options?: OracleExecuteOptions): Promise<{ rows?: unknown[] }> {
    this.log.push(`execute(${this.callTimeout}) ${sql}${binds === undefined ? '' : ' ' + JSON.stringify(binds)}`)
    this.executeOptions.push(options)
    return sql === 'SET TRANSACTION READ ONLY' ? Promise.resolve({}) : this.respond(sql, binds, options)
  }
  ping(): Promise<void> {
    this.log.push('ping')
    return Promise.resolve()
  }
  rollback(): Promise<void> {
    this.log.push('rollback')
    return Promise.resolve()
  }
  break(): Promise<void> {
    this.log.push('break')
    return Promise.resolve()
  }
  close(): Promise<void> {
    this.log.push('close')
    return Promise.resolve()
  }
}

function fakeDriver(respond: Step, connect?: () => Promise<void>) {
  const connections: FakeConnection[] = []
  const configs: OracleConnectConfig[] = []
  const fake: OracleDriver = {
    OUT_FORMAT_OBJECT: driver.OUT_FORMAT_OBJECT,
    DB_TYPE_NUMBER: driver.DB_TYPE_NUMBER,
    DB_TYPE_VARCHAR: driver.DB_TYPE_VARCHAR,
    DB_TYPE_RAW: driver.DB_TYPE_RAW,
    DB_TYPE_CLOB: driver.DB_TYPE_CLOB,
    DB_TYPE_NCLOB: driver.DB_TYPE_NCLOB,
    DB_TYPE_BLOB: driver.DB_TYPE_BLOB,
    async getConnection(config) {
      configs.push(config)
      await connect?.()
      const connection = new FakeConnection(respond)
      connections.push(connection)
      return connection
    }
  }
  return { fake, connections, configs }
}

const options = { host: 'db-01.example.com', port: 1521, service_name: 'SALES', user: 'monitor', password: 's3cret-pw', connectTimeoutSeconds: 7 }

describe('OracleSource call lifecycle (stand-in driver)', () => {
  it('connects with the built connect string and limits, and keeps the password out of sight', async () => {
    const { fake, configs } = fakeDriver(async () => ({ rows: [{ X: 1 }] }))
    const source = new OracleSource({ ...options, driver: fake })
    await source.query('SELECT 1 AS X FROM DUAL', [], { timeoutMs: 1_000 })
    expect(configs).toEqual([
      { user: 'monitor', password: 's3cret-pw', connectString: 'db-01.example.com:1521/SALES', connectTimeout: 7, transportConnectTimeout: 7, retryCount: 0, expireTime: 2 }
    ])
    expect(JSON.stringify(source)).not.toContain('s3cret-pw')
    const { inspect } = await import('node:util')
    expect(inspect(source, { depth: 5 })).not.toContain('s3cret-pw')
    await source.close()
  })

  it('runs each query in a read-only transaction under callTimeout, rolls back, and keeps the connection', async () => {
    const { fake, connections } = fakeDriver(async () => ({ rows: [{ ID: 1 }, { ID: 2 }] }))
    const source = new OracleSource({ ...options, driver: fake })
    expect(await source.query('SELECT "ID" FROM "HR"."T" FETCH FIRST :1 ROWS ONLY', [11], { timeoutMs: 2_500 })).toEqual([{ ID: 1 }, { ID: 2 }])
    await source.query('SELECT 2 FROM DUAL', [], { timeoutMs: 900 })
    expect(connections).toHaveLength(1)
    expect(connections[0]?.log).toEqual([
      'execute(2500) SET TRANSACTION READ ONLY',
      'execute(2500) SELECT "ID" FROM "HR"."T" FETCH FIRST :1 ROWS ONLY [11]',
      'rollback',
      'execute(900) SET TRANSACTION READ ONLY',
      'execute(900) SELECT 2 FROM DUAL []',
      'rollback'
    ])
    const used = connections[0]?.executeOptions[1]
    expect(used).toMatchObject({ outFormat: driver.OUT_FORMAT_OBJECT, dbObjectAsPojo: true })
    expect(typeof used?.fetchTypeHandler).toBe('function')
    await source.close()
    expect(connections[0]?.log.at(-1)).toBe('close')
    await expect(source.query('SELECT 1 FROM DUAL', [], { timeoutMs: 100 })).rejects.toThrow(/is closed/)
  })

  it('rolls back after a SQL error, keeps the connection, and names the where_clause', async () => {
    let calls = 0
    const { fake, connections } = fakeDriver(async () => {
      if (calls++ === 0) throw ora('ORA-00904: "NOPE": invalid identifier')
      return { rows: [] }
    })
    const source = new OracleSource({ ...options, driver: fake })
    const failure = await source.query('SELECT 1 FROM DUAL WHERE (NOPE = 1)', [], { timeoutMs: 1_000 }).catch((e: unknown) => e)
    expect(failure).toBeInstanceOf(AppError)
    expect(failure).toMatchObject({ code: 'validation', field: 'where_clause' })
    expect(connections[0]?.log.at(-1)).toBe('rollback')
    await source.query('SELECT 1 FROM DUAL', [], { timeoutMs: 1_000 })
    expect(connections).toHaveLength(1)
    await source.close()
  })

  it('drops a connection that broke and opens a new one for the next call', async () => {
    let calls = 0
    const { fake, connections } = fakeDriver(async () => {
      if (calls++ === 0) throw ora('ORA-03113: end-of-file on communication channel')
      return { rows: [{ OK: 1 }] }
    })
    const source = new OracleSource({ ...options, driver: fake })
    await expect(source.query('SELECT 1 FROM DUAL', [], { timeoutMs: 1_000 })).rejects.toMatchObject({ code: 'unavailable', extra: { reason: 'connection_lost' } })
    expect(await source.query('SELECT 1 FROM DUAL', [], { timeoutMs: 1_000 })).toEqual([{ OK: 1 }])
    expect(connections).toHaveLength(2)
    await source.close()
    expect(connections[0]?.log).toContain('close')
  })

  it('breaks off a call that does not return within the limit + grace, closes the connection and reconnects', async () => {
    let calls = 0
    const { fake, connections } = fakeDriver(() => (calls++ === 0 ? new Promise(() => undefined) : Promise.resolve({ rows: [{ OK: 1 }] })))
    const source = new OracleSource({ ...options, driver: fake, watchdogGraceMs: 100 })
    const started = performance.now()
    const failure = await source.query('SELECT slow FROM DUAL', [], { timeoutMs: 150 }).catch((e: unknown) => e)
    const elapsed = performance.now() - started
    expect(failure).toBeInstanceOf(AppError)
    expect((failure as AppError).message).toBe(
      "The snapshot query on Oracle at db-01.example.com:1521 (service_name 'SALES') did not return within its 150 ms time limit (plus 0.1 s grace): Vigil broke off the call and closed the connection"
    )
    expect(failure).toMatchObject({ code: 'unavailable', extra: { reason: 'timeout' } })
    expect(elapsed).toBeGreaterThanOrEqual(240)
    expect(elapsed).toBeLessThan(1_000)
    expect(await source.query('SELECT 1 FROM DUAL', [], { timeoutMs: 150 })).toEqual([{ OK: 1 }])
    expect(connections).toHaveLength(2)
    await source.close()
    expect(connections[0]?.log).toEqual(['execute(150) SET TRANSACTION READ ONLY', 'execute(150) SELECT slow FROM DUAL []', 'break', 'close'])
  })

  it('gives up on a login that never completes (connect timeout + grace)', async () => {
    const { fake } = fakeDriver(async () => ({ rows: [] }), () => new Promise(() => undefined))
    const source = new OracleSource({ ...options, connectTimeoutSeconds: 1, driver: fake, watchdogGraceMs: 100 })
    const started = performance.now()
    await expect(source.test()).rejects.toThrow(
      "Oracle at db-01.example.com:1521 (service_name 'SALES') accepted the connection but did not complete the login within 1 s (plus 0.1 s grace): Vigil gave up on it"
    )
    expect(performance.now() - started).toBeLessThan(2_000)
    await source.close()
  })

  it('test(): a fresh session, ping and the banner; the bare version when V$VERSION is not readable', async () => {
    let banner = true
    const { fake, connections } = fakeDriver(async (sql) => {
      if (!sql.includes('V$VERSION')) return { rows: [] }
      if (!banner) throw ora('ORA-00942: table or view does not exist')
      return { rows: [{ BANNER: 'Oracle Database 19c Enterprise Edition Release 19.0.0.0.0 - Production' }] }
    })
    const source = new OracleSource({ ...options, driver: fake })
    const first = await source.test()
    expect(first.version).toBe('Oracle Database 19c Enterprise Edition Release 19.0.0.0.0 - Production')
    expect(first.connectionTimeMs).toBeGreaterThanOrEqual(0)
    banner = false
    expect((await source.test()).version).toBe('Oracle Database 19.22.0.0.0')
    // Each test opened its own session; the first one was closed.
    expect(connections).toHaveLength(2)
    expect(connections[0]?.log.slice(0, 2)).toEqual(['ping', 'execute(30000) SET TRANSACTION READ ONLY'])
    expect(connections[0]?.log.at(-1)).toBe('close')
    await source.close()
  })

  it('describeTable: not_found when ALL_TABLES has no such table', async () => {
    const { fake } = fakeDriver(async () => ({ rows: [] }))
    const source = new OracleSource({ ...options, driver: fake })
    await expect(source.describeTable('HR', 'nope')).rejects.toMatchObject({
      code: 'not_found',
      message: `Table "HR"."nope" was not found on db-01.example.com:1521, or user 'monitor' cannot see it (names are case-sensitive, as ALL_TABLES spells them)`
    })
    await source.close()
  })

  it('listTables: falls back to a fixed schema list where ALL_USERS has no ORACLE_MAINTAINED', async () => {
    const { fake, connections } = fakeDriver(async (sql) => {
      if (sql.includes('ORACLE_MAINTAINED')) throw ora('ORA-00904: "U"."ORACLE_MAINTAINED": invalid identifier')
      return { rows: [{ owner: 'HR', name: 'EMPLOYEES', num_rows: 107 }, { owner: 'HR', name: 'NEW_ONE', num_rows: null }] }
    })
    const source = new OracleSource({ ...options, driver: fake })
    expect(await source.listTables()).toEqual([
      { owner: 'HR', name: 'EMPLOYEES', rowEstimate: 107 },
      { owner: 'HR', name: 'NEW_ONE', rowEstimate: null }
    ])
    expect(connections[0]?.log.filter((line) => line.includes("NOT IN ('SYS'"))).toHaveLength(1)
    await source.close()
  })

  it('refuses a bad address or timeout before connecting', () => {
    expect(() => new OracleSource({ ...options, service_name: null })).toThrow(AppError)
    let refused: unknown
    try {
      new OracleSource({ ...options, connectTimeoutSeconds: 0 })
    } catch (error) {
      refused = error
    }
    expect(refused).toMatchObject({ code: 'validation', field: 'connection_timeout' })
  })

  it('rounds a fractional connection_timeout up to the whole seconds Thin mode takes', async () => {
    const { fake, configs } = fakeDriver(async () => ({ rows: [] }))
    const source = new OracleSource({ ...options, connectTimeoutSeconds: 2.5, driver: fake })
    await source.query('SELECT 1 FROM DUAL', [], { timeoutMs: 100 })
    expect(configs[0]).toMatchObject({ connectTimeout: 3, transportConnectTimeout: 3 })
    await source.close()
  })
})
