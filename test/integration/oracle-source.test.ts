// OracleSource's connection failures with the REAL node-oracledb (Thin mode) against a fake TNS
// listener on 127.0.0.1: no Oracle database can run here, but the listener's side of a
// connection attempt is small enough to play.
//
// What Thin mode does (lib/thin/sqlnet/networkSession.js connect2, packet.js, ntTcp.js): after
// the TCP connect it sends a CONNECT packet (type 1) whose connect data — the descriptor with
// SERVICE_NAME or SID — sits inline when it fits (74-byte header + up to 230 bytes) or follows
// in a DATA packet (type 6) when it does not. It then reads packets until one of ACCEPT (2),
// REFUSE (4), REDIRECT (5) or RESEND (11) arrives. For REFUSE it parses the data as an NV string
// and looks at (DESCRIPTION=(ERR=…)): 12514 → NJS-518 (service), 12505 → NJS-519 (SID), any
// other → NJS-511 carrying "ORA-<err>". RESEND makes it send the CONNECT again.
//
// Every TNS packet starts with an 8-byte header: length (2 bytes, big-endian; 4 bytes only after
// a version ≥ 315 ACCEPT), packet checksum (2, zero), type (1), flags (1), header checksum (2,
// zero). A REFUSE body is: user reason (1), system reason (1), data length (2), then the data.
import { createServer, type Server, type Socket } from 'node:net'
import { performance } from 'node:perf_hooks'
import { afterEach, describe, expect, it } from 'vitest'
import { buildConnectString } from '../../src/main/table-monitoring/sources/oracle/connect-descriptor'
import { loadOracleDriver } from '../../src/main/table-monitoring/sources/oracle/driver'
import { OracleSource, type OracleSourceOptions } from '../../src/main/table-monitoring/sources/oracle/oracle-source'
import { AppError } from '../../src/shared/errors'

const TNS_CONNECT = 1
const TNS_ACCEPT = 2
const TNS_REFUSE = 4
const TNS_DATA = 6
const TNS_RESEND = 11
const HEADER = 8

/** The listener's answer to a service it does not know, or a SID (ERR=12505). */
function listenerError(code: number): string {
  return `(DESCRIPTION=(TMP=)(VSNNUM=0)(ERR=${code})(ERROR_STACK=(ERROR=(CODE=${code})(EMFI=4))))`
}

function header(type: number, length: number): Buffer {
  const packet = Buffer.alloc(length)
  packet.writeUInt16BE(length, 0) // length; bytes 2-3: packet checksum, 0
  packet.writeUInt8(type, 4) // byte 5: flags, 0; bytes 6-7: header checksum, 0
  return packet
}

/** REFUSE: user reason 0x22 and system reason 0 (what listeners send), data length, data. */
function refusePacket(data: string): Buffer {
  const text = Buffer.from(data, 'ascii')
  const packet = header(TNS_REFUSE, HEADER + 4 + text.length)
  packet.writeUInt8(0x22, 8)
  packet.writeUInt8(0x00, 9)
  packet.writeUInt16BE(text.length, 10)
  text.copy(packet, 12)
  return packet
}

function resendPacket(): Buffer {
  return header(TNS_RESEND, HEADER)
}

/**
 * ACCEPT for TNS version 319 with Oracle Net services switched off (flag1 NSINANOSERVICES), so
 * the driver skips the ANO exchange and starts the login (the protocol negotiation) right away.
 */
function acceptPacket(): Buffer {
  const packet = header(TNS_ACCEPT, 45)
  packet.writeUInt16BE(319, 8) // version
  packet.writeUInt16BE(0x0001, 10) // service options
  packet.writeUInt16BE(8192, 12) // SDU
  packet.writeUInt16BE(65535, 14) // TDU
  packet.writeUInt16BE(1, 16) // hardware byte order
  packet.writeUInt16BE(0, 18) // connect data length
  packet.writeUInt16BE(45, 20) // connect data offset
  packet.writeUInt8(0x00, 22) // flag0
  packet.writeUInt8(0x08, 23) // flag1: NSINANOSERVICES
  packet.writeUInt32BE(8192, 32) // large SDU
  packet.writeUInt32BE(65535, 36) // large TDU
  return packet
}

type Behaviour =
  /** Accepts TCP, reads, never answers. */
  | { kind: 'silent' }
  /** Answers the CONNECT with REFUSE carrying `data`; with resendFirst, asks for the CONNECT again first. */
  | { kind: 'refuse'; data: string; resendFirst?: boolean }
  /** ACCEPTs, then never answers the login. */
  | { kind: 'accept-then-silent' }

interface FakeListener {
  port: number
  /** The connect data of every CONNECT received, in order. */
  connects: string[]
  close(): Promise<void>
}

async function startListener(behaviour: Behaviour): Promise<FakeListener> {
  const sockets = new Set<Socket>()
  const connects: string[] = []
  const server: Server = createServer((socket) => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
    socket.on('error', () => undefined)
    let buffered = Buffer.alloc(0)
    let awaitingOverflow = false
    let resent = false
    const answer = (): void => {
      if (behaviour.kind === 'silent') return
      if (behaviour.kind === 'accept-then-silent') {
        socket.write(acceptPacket())
        return
      }
      if (behaviour.resendFirst && !resent) {
        resent = true
        socket.write(resendPacket())
        return
      }
      socket.end(refusePacket(behaviour.data))
    }
    socket.on('data', (chunk) => {
      buffered = Buffer.concat([buffered, chunk])
      while (buffered.length >= HEADER) {
        const length = buffered.readUInt16BE(0)
        if (length < HEADER || buffered.length < length) break
        const packet = buffered.subarray(0, length)
        buffered = buffered.subarray(length)
        const type = packet.readUInt8(4)
        if (type === TNS_CONNECT) {
          const dataLength = packet.readUInt16BE(24)
          const dataOffset = packet.readUInt16BE(26)
          if (length >= dataOffset + dataLength) {
            connects.push(packet.toString('ascii', dataOffset, dataOffset + dataLength))
            answer()
          } else {
            awaitingOverflow = true
          }
        } else if (type === TNS_DATA && awaitingOverflow) {
          // Data packet: header, 2 bytes of data flags, then the connect data.
          awaitingOverflow = false
          connects.push(packet.toString('ascii', HEADER + 2))
          answer()
        }
      }
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  if (address === null || typeof address === 'string') throw new Error('no port')
  return {
    port: address.port,
    connects,
    close: async () => {
      for (const socket of sockets) socket.destroy()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    }
  }
}

/** A loopback port with nothing listening on it. */
async function closedPort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  await new Promise<void>((resolve) => server.close(() => resolve()))
  if (address === null || typeof address === 'string') throw new Error('no port')
  return address.port
}

const base = { host: '127.0.0.1', user: 'vigil_monitor', password: 'not-a-real-password', connectTimeoutSeconds: 1 }

describe('OracleSource connection failures (real node-oracledb Thin, fake listener)', () => {
  const cleanups: Array<() => Promise<void>> = []
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
  })

  async function listener(behaviour: Behaviour): Promise<FakeListener> {
    const started = await startListener(behaviour)
    cleanups.push(() => started.close())
    return started
  }

  function source(options: Omit<OracleSourceOptions, 'host' | 'user' | 'password' | 'connectTimeoutSeconds'> & Partial<OracleSourceOptions>): OracleSource {
    const created = new OracleSource({ ...base, ...options })
    cleanups.push(() => created.close())
    return created
  }

  async function failure(promise: Promise<unknown>): Promise<{ error: AppError; ms: number }> {
    const started = performance.now()
    try {
      await promise
    } catch (error) {
      expect(error).toBeInstanceOf(AppError)
      return { error: error as AppError, ms: performance.now() - started }
    }
    throw new Error('expected a failure')
  }

  it('(a) refused: nothing listens on the port', async () => {
    const port = await closedPort()
    const { error, ms } = await failure(source({ port, service_name: 'FREEPDB1' }).test())
    expect(error.message).toBe(`Connection refused by 127.0.0.1:${port} (service_name 'FREEPDB1'): no Oracle listener is running on that port`)
    expect(error).toMatchObject({ code: 'unavailable', extra: { reason: 'refused', oracle_code: 'NJS-503' } })
    expect(ms).toBeLessThan(1_000)
  })

  it('(a) refused, on a query too (the source connects on first use)', async () => {
    const port = await closedPort()
    const { error } = await failure(source({ port, sid: 'ORCL' }).query('SELECT 1 FROM DUAL', [], { timeoutMs: 1_000 }))
    expect(error.message).toBe(`Connection refused by 127.0.0.1:${port} (SID 'ORCL'): no Oracle listener is running on that port`)
  })

  it('(b) silent: the listener accepts TCP and never answers; connectTimeout fires within the configured second', async () => {
    const silent = await listener({ kind: 'silent' })
    const { error, ms } = await failure(source({ port: silent.port, service_name: 'FREEPDB1' }).test())
    expect(error.message).toBe(
      `No answer from an Oracle listener at 127.0.0.1:${silent.port} (service_name 'FREEPDB1') within the 1 s connection timeout: check the host, the port and any firewall in between`
    )
    expect(error).toMatchObject({ code: 'unavailable', extra: { reason: 'timeout', oracle_code: 'NJS-510' } })
    expect(ms).toBeGreaterThanOrEqual(950)
    expect(ms).toBeLessThan(1_000 + 1_500)
    // The CONNECT went out: it is the listener, not TCP, that never answered.
    expect(silent.connects).toHaveLength(1)
    expect(silent.connects[0]).toContain('(SERVICE_NAME=FREEPDB1)')
  })

  it('(c) unknown service: the listener refuses with ERR=12514', async () => {
    const fake = await listener({ kind: 'refuse', data: listenerError(12514) })
    const options = { host: '127.0.0.1', port: fake.port, service_name: 'NOSUCH_SVC' }

    // What the driver itself surfaces.
    const raw = await loadOracleDriver()
      .getConnection({ user: 'u', password: 'p', connectString: buildConnectString(options), connectTimeout: 1, transportConnectTimeout: 1, retryCount: 0, expireTime: 0 })
      .then(() => null, (error: unknown) => error as Error & { code: string })
    expect(raw?.code).toBe('NJS-518')
    expect(raw?.message).toMatch(new RegExp(`^NJS-518: cannot connect to Oracle Database\\. Service "NOSUCH_SVC" is not registered with the listener at host 127\\.0\\.0\\.1 port ${fake.port}\\.`))

    const { error, ms } = await failure(source(options).test())
    expect(error.message).toBe(
      `The Oracle listener at 127.0.0.1:${fake.port} does not know service_name 'NOSUCH_SVC' (ORA-12514): check the name; \`lsnrctl services\` on the database server lists the registered ones`
    )
    expect(error).toMatchObject({ code: 'unavailable', extra: { reason: 'unknown_service', oracle_code: 'NJS-518' } })
    expect(ms).toBeLessThan(1_000)
    expect(fake.connects.every((data) => data.includes('(SERVICE_NAME=NOSUCH_SVC)'))).toBe(true)
  })

  it('(c) unknown service, with connect data too long for the CONNECT packet (it follows in a DATA packet)', async () => {
    const fake = await listener({ kind: 'refuse', data: listenerError(12514) })
    const name = `SVC_${'X'.repeat(120)}`
    const { error } = await failure(source({ port: fake.port, service_name: name }).test())
    expect(error.message).toBe(
      `The Oracle listener at 127.0.0.1:${fake.port} does not know service_name '${name}' (ORA-12514): check the name; \`lsnrctl services\` on the database server lists the registered ones`
    )
    expect(fake.connects).toHaveLength(1)
    expect(fake.connects[0]?.length).toBeGreaterThan(230)
    expect(fake.connects[0]).toContain(`(SERVICE_NAME=${name})`)
  })

  it('(d) unknown SID: the listener asks for the CONNECT again (RESEND), then refuses with ERR=12505', async () => {
    const fake = await listener({ kind: 'refuse', data: listenerError(12505), resendFirst: true })
    const options = { host: '127.0.0.1', port: fake.port, sid: 'NOSID' }

    const raw = await loadOracleDriver()
      .getConnection({ user: 'u', password: 'p', connectString: buildConnectString(options), connectTimeout: 1, transportConnectTimeout: 1, retryCount: 0, expireTime: 0 })
      .then(() => null, (error: unknown) => error as Error & { code: string })
    expect(raw?.code).toBe('NJS-519')
    expect(raw?.message).toMatch(new RegExp(`^NJS-519: cannot connect to Oracle Database\\. SID "NOSID" is not registered with the listener at host 127\\.0\\.0\\.1 port ${fake.port}\\.`))

    const { error } = await failure(source(options).test())
    expect(error.message).toBe(
      `The Oracle listener at 127.0.0.1:${fake.port} does not know SID 'NOSID' (ORA-12505): check the SID, or give the service_name instead`
    )
    expect(error).toMatchObject({ code: 'unavailable', extra: { reason: 'unknown_sid', oracle_code: 'NJS-519' } })
    // Two attempts (driver, then source), each a CONNECT, a RESEND and the CONNECT again.
    expect(fake.connects).toHaveLength(4)
    expect(fake.connects.every((data) => data.includes('(CONNECT_DATA=(SID=NOSID)'))).toBe(true)
  })

  it('any other listener refusal passes its ORA- code on (ERR=12516)', async () => {
    const fake = await listener({ kind: 'refuse', data: listenerError(12516) })
    const { error } = await failure(source({ port: fake.port, service_name: 'FREEPDB1' }).test())
    expect(error.message).toBe(`The Oracle listener at 127.0.0.1:${fake.port} refused the connection to service_name 'FREEPDB1' (ORA-12516): ORA-12516`)
    expect(error).toMatchObject({ code: 'unavailable', extra: { reason: 'listener_refused', oracle_code: 'ORA-12516' } })
  })

  it("the watchdog ends a login that hangs after the listener's ACCEPT (Thin's connectTimeout no longer applies there)", async () => {
    const fake = await listener({ kind: 'accept-then-silent' })
    const { error, ms } = await failure(source({ port: fake.port, service_name: 'FREEPDB1', watchdogGraceMs: 500 }).test())
    expect(error.message).toBe(
      `Oracle at 127.0.0.1:${fake.port} (service_name 'FREEPDB1') accepted the connection but did not complete the login within 1 s (plus 0.5 s grace): Vigil gave up on it`
    )
    expect(error).toMatchObject({ code: 'unavailable', extra: { reason: 'timeout' } })
    expect(ms).toBeGreaterThanOrEqual(1_450)
    expect(ms).toBeLessThan(1_500 + 1_500)
  })
})
