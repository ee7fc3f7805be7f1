// The agent face's transport, as its Python clients need it: bodies read as JSON whatever their
// Content-Type, and floats written with a decimal point.
import { describe, expect, it } from 'vitest'
import { parseAgentBody } from '../../src/main/api/agent/body'
import { floatMatcher, stringifyWithFloats } from '../../src/main/api/agent/float-json'
import { takesAgentKey } from '../../src/main/api/agent'
import { AppError } from '../../src/shared/errors'

describe('parseAgentBody', () => {
  it('reads JSON, and an empty body as none', () => {
    expect(parseAgentBody(Buffer.from('{"action": "reload"}'))).toEqual({ action: 'reload' })
    expect(parseAgentBody(Buffer.from('\uFEFF[1]'))).toEqual([1])
    expect(parseAgentBody(Buffer.from(''))).toBeUndefined()
    expect(parseAgentBody(Buffer.from(' \n'))).toBeUndefined()
  })

  it.each([['username=alice&password=x'], ['{"a": '], ['{bad}']])('refuses %j as the agent does', (text) => {
    expect(() => parseAgentBody(Buffer.from(text))).toThrow(new AppError('bad_request', 'Invalid json format'))
  })

  it('refuses bytes that are not UTF-8', () => {
    expect(() => parseAgentBody(Buffer.from([0x7b, 0xff, 0x7d]))).toThrow('Invalid json format')
  })
})

describe('stringifyWithFloats', () => {
  it('writes the declared fields with a decimal point, at any depth or by path', () => {
    const body = { hitratio: 98, cpu: { idle: 97.5, user: 0 }, n_cpu: 4, rows: [{ ratio: 3, size: 3 }], total: { bytes: 7 }, label: '98' }
    expect(stringifyWithFloats(body, ['hitratio', 'idle', 'user', 'ratio', 'total.bytes'])).toBe(
      '{"hitratio":98.0,"cpu":{"idle":97.5,"user":0.0},"n_cpu":4,"rows":[{"ratio":3.0,"size":3}],"total":{"bytes":7.0},"label":"98"}'
    )
  })

  it('writes what JSON.stringify writes otherwise: nulls, non-finite numbers, undefined, toJSON, big and negative floats', () => {
    const value = { a: null, b: Number.NaN, c: undefined, d: new Date(0), e: [undefined, 1], f: -2, g: 1e21, h: 1e-7 }
    expect(stringifyWithFloats(value, ['a', 'b', 'f', 'g', 'h'])).toBe(JSON.stringify(value).replace('"f":-2', '"f":-2.0'))
    expect(stringifyWithFloats(value, [])).toBe(JSON.stringify(value))
    expect(JSON.parse(stringifyWithFloats({ x: [{ y: 1 }] }, ['x.*.y']))).toEqual({ x: [{ y: 1 }] })
    expect(stringifyWithFloats({ x: [{ y: 1 }] }, ['x.*.y'])).toBe('{"x":[{"y":1.0}]}')
  })

  it('matches a path pattern only at its own depth', () => {
    const matches = floatMatcher(['databases.*.toast_bytes', 'ratio'])
    expect(matches(['databases', 0, 'toast_bytes'])).toBe(true)
    expect(matches(['toast_bytes'])).toBe(false)
    expect(matches(['schemas', 0, 'toast_bytes'])).toBe(false)
    expect(matches(['a', 'b', 'ratio'])).toBe(true)
  })
})

describe('takesAgentKey: where the spec lists `query key`', () => {
  it.each([
    ['GET', '/notifications', true],
    ['GET', '/dashboard', true],
    ['GET', '/dashboard/history', true],
    ['POST', '/dashboard/config', false],
    ['GET', '/monitoring/probe/:probe', true],
    ['GET', '/maintenance/:db/schema/:schema', true],
    ['POST', '/maintenance/:db/vacuum', true],
    ['DELETE', '/maintenance/vacuum/:id', true],
    ['GET', '/statements', true],
    ['GET', '/activity', false],
    ['POST', '/administration/control', false],
    ['GET', '/pgconf/configuration', false],
    ['GET', '/profile', false],
    ['GET', '/dashboardx', false]
  ] as const)('%s %s: %s', (method, path, takes) => {
    expect(takesAgentKey(method, path)).toBe(takes)
  })
})
