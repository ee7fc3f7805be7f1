import { DatabaseError } from 'pg'
import { describe, expect, it } from 'vitest'
import { pgEndpoint, pgFailure, type PgEndpoint } from '../../src/main/postgres/errors'
import { AppError } from '../../src/shared/errors'

const at: PgEndpoint = { host: '10.0.0.7', port: 5433, user: 'monitor', database: 'postgres', connectTimeoutMs: 5_000 }

/** What the server sends, as node-postgres hands it over. */
function serverError(code: string, message: string, detail?: string): DatabaseError {
  const error = new DatabaseError(message, message.length, 'error')
  return Object.assign(error, { code, severity: 'FATAL', detail })
}

function socketError(code: string): Error {
  return Object.assign(new Error(`connect ${code} 10.0.0.7:5433`), { code, errno: -1, syscall: 'connect' })
}

function mapped(error: unknown, endpoint = at) {
  const failure = pgFailure(error, endpoint)
  return { code: failure.code, reason: failure.extra?.reason, sqlstate: failure.extra?.sqlstate, message: failure.message }
}

describe('pgFailure: authentication', () => {
  it('says the server refused the user or password, as a validation error (not Vigil\'s own 401)', () => {
    expect(mapped(serverError('28P01', 'password authentication failed for user "monitor"'))).toEqual({
      code: 'validation',
      reason: 'auth_failed',
      sqlstate: '28P01',
      message: "PostgreSQL at 10.0.0.7:5433 refused user 'monitor': wrong password, or no such role"
    })
  })

  it("quotes the server's reason for a pg_hba refusal", () => {
    const error = serverError('28000', 'no pg_hba.conf entry for host "10.0.0.1", user "monitor", database "postgres", no encryption')
    expect(mapped(error)).toMatchObject({ code: 'validation', reason: 'auth_failed', sqlstate: '28000' })
    expect(mapped(error).message).toBe(
      `PostgreSQL at 10.0.0.7:5433 refused user 'monitor': no pg_hba.conf entry for host "10.0.0.1", user "monitor", database "postgres", no encryption`
    )
  })

  it('explains a SCRAM request when no password is stored', () => {
    const error = new Error('SASL: SCRAM-SERVER-FIRST-MESSAGE: client password must be a non-empty string')
    expect(mapped(error)).toMatchObject({
      code: 'validation',
      reason: 'auth_failed',
      message: "PostgreSQL at 10.0.0.7:5433 asks user 'monitor' for a password, and none is stored"
    })
  })
})

describe('pgFailure: privileges and databases', () => {
  it('names the missing CONNECT privilege and the GRANT that gives it', () => {
    const error = serverError('42501', 'permission denied for database "sales"', 'User does not have CONNECT privilege.')
    expect(mapped(error, { ...at, database: 'sales' })).toEqual({
      code: 'forbidden',
      reason: 'insufficient_privilege',
      sqlstate: '42501',
      message:
        "User 'monitor' may not connect to database 'sales' on 10.0.0.7:5433: it lacks the CONNECT privilege " +
        '(GRANT CONNECT ON DATABASE "sales" TO "monitor")'
    })
  })

  it('quotes other missing privileges as the server words them', () => {
    expect(mapped(serverError('42501', 'permission denied for table pg_authid'))).toMatchObject({
      code: 'forbidden',
      reason: 'insufficient_privilege',
      message: "User 'monitor' lacks a privilege on 10.0.0.7:5433: permission denied for table pg_authid"
    })
  })

  it('names a database that does not exist', () => {
    expect(mapped(serverError('3D000', 'database "nope" does not exist'), { ...at, database: 'nope' })).toEqual({
      code: 'validation',
      reason: 'database_missing',
      sqlstate: '3D000',
      message: "Database 'nope' does not exist on 10.0.0.7:5433"
    })
  })
})

describe('pgFailure: network', () => {
  it.each([
    ['ECONNREFUSED', 'Connection refused by 10.0.0.7:5433: is PostgreSQL running and listening there?'],
    ['ETIMEDOUT', 'Timed out connecting to 10.0.0.7:5433 after 5 s'],
    ['EHOSTUNREACH', 'No route to 10.0.0.7:5433'],
    ['ENETUNREACH', 'No route to 10.0.0.7:5433'],
    ['ECONNRESET', 'The connection to 10.0.0.7:5433 was closed unexpectedly']
  ])('%s → unavailable: %s', (code, message) => {
    expect(mapped(socketError(code))).toEqual({ code: 'unavailable', reason: 'unreachable', sqlstate: null, message })
  })

  it('names a host name that does not resolve', () => {
    expect(mapped(socketError('ENOTFOUND'), { ...at, host: 'db.invalid' })).toMatchObject({
      code: 'unavailable',
      reason: 'unreachable',
      message: "Cannot resolve host name 'db.invalid' (for db.invalid:5433)"
    })
  })

  it("reads the code of Node's AggregateError (every address of a name refused)", () => {
    const error = new AggregateError([socketError('ECONNREFUSED'), socketError('ECONNREFUSED')], 'connect failed')
    expect(mapped(error)).toMatchObject({ code: 'unavailable', reason: 'unreachable', message: expect.stringMatching(/^Connection refused by/) })
  })

  it("maps node-postgres' own connection timeouts and drops", () => {
    expect(mapped(new Error('Connection terminated due to connection timeout')).message).toBe('Timed out connecting to 10.0.0.7:5433 after 5 s')
    expect(mapped(new Error('timeout exceeded when trying to connect'))).toMatchObject({ code: 'unavailable', reason: 'unreachable' })
    expect(mapped(new Error('Connection terminated unexpectedly')).message).toBe('The connection to 10.0.0.7:5433 was closed unexpectedly')
    expect(mapped(new Error('Query read timeout'))).toMatchObject({ code: 'unavailable', reason: 'timeout' })
  })

  it('brackets an IPv6 literal', () => {
    expect(pgEndpoint('::1', 5432)).toBe('[::1]:5432')
    expect(mapped(socketError('ECONNREFUSED'), { ...at, host: 'fd00::7' }).message).toMatch(/^Connection refused by \[fd00::7\]:5433/)
  })
})

describe('pgFailure: the server going away and other errors', () => {
  it('calls a statement timeout a timeout', () => {
    expect(mapped(serverError('57014', 'canceling statement due to statement timeout'))).toMatchObject({
      code: 'unavailable',
      reason: 'timeout',
      sqlstate: '57014'
    })
  })

  it.each([
    ['57P03', 'the database system is starting up'],
    ['53300', 'sorry, too many clients already'],
    ['57P01', 'terminating connection due to administrator command'],
    ['08006', 'connection failure']
  ])('%s → server_unavailable', (code, message) => {
    const failure = mapped(serverError(code, message))
    expect(failure).toMatchObject({ code: 'unavailable', reason: 'server_unavailable', sqlstate: code })
    expect(failure.message).toContain(message)
  })

  it('keeps the SQLSTATE and the text of any other server error', () => {
    expect(mapped(serverError('42P01', 'relation "nope" does not exist'))).toEqual({
      code: 'internal',
      reason: 'error',
      sqlstate: '42P01',
      message: 'PostgreSQL at 10.0.0.7:5433 answered: relation "nope" does not exist (SQLSTATE 42P01)'
    })
  })

  it('is total: anything thrown becomes an AppError, and an AppError passes through', () => {
    for (const thrown of [undefined, null, 'text', 42, {}, new Error('')]) {
      expect(pgFailure(thrown, at)).toBeInstanceOf(AppError)
    }
    const own = new AppError('unavailable', 'Vigil is shutting down')
    expect(pgFailure(own, at)).toBe(own)
  })
})
