import Type from 'typebox'
import { describe, expect, it } from 'vitest'
import { ServerCreateSchema, ServerUpdateSchema } from '../../src/shared/servers'
import { check } from '../../src/shared/validation'

describe('validation messages', () => {
  it('reports missing fields first, then unknown fields, then bad values, one per field', () => {
    const result = check(ServerCreateSchema, { hostname: 'ok', ssh_port: 'x', zzz: 1 })
    expect(result.ok).toBe(false)
    if (result.ok) return
    expect(result.issues).toEqual([
      { field: 'ip_address', kind: 'required', message: "Missing required field: 'ip_address'", rule: 'This field is required.' },
      { field: 'ssh_username', kind: 'required', message: "Missing required field: 'ssh_username'", rule: 'This field is required.' },
      { field: 'zzz', kind: 'unknown_field', message: "Unknown field: 'zzz'", rule: 'Unknown field.' },
      {
        field: 'ssh_port',
        kind: 'invalid',
        message: "Invalid value for 'ssh_port': must be an integer from 1 to 65535",
        rule: 'Must be an integer from 1 to 65535.'
      }
    ])
  })

  it('describes nested paths, lists and bounds', () => {
    const schema = Type.Object({
      tags: Type.Array(Type.String({ maxLength: 3 }), { maxItems: 2 }),
      nested: Type.Object({ n: Type.Number({ minimum: 0 }) })
    })
    const result = check(schema, { tags: ['toolong'], nested: { n: -1 } })
    expect(result.ok ? [] : result.issues.map((issue) => issue.message)).toEqual([
      "Invalid value for 'tags.0': must be at most 3 characters",
      "Invalid value for 'nested.n': must be a number of at least 0"
    ])
  })

  it('accepts null for optional text, as GET returns it', () => {
    expect(check(ServerUpdateSchema, { alias: null, description: null }).ok).toBe(true)
  })

  it('accepts IPv4 and IPv6, refuses the rest', () => {
    for (const ip of ['192.0.2.1', '::1', '2001:db8::10', 'fe80::1']) {
      expect(check(ServerUpdateSchema, { ip_address: ip }).ok, ip).toBe(true)
    }
    for (const ip of ['192.0.2', '256.0.0.1', 'host.example', '', '1.2.3.4 ']) {
      expect(check(ServerUpdateSchema, { ip_address: ip }).ok, ip).toBe(false)
    }
  })

  it('says what is wrong with a body that is not an object', () => {
    const result = check(ServerCreateSchema, 'hello')
    expect(result.ok ? [] : result.issues).toEqual([
      { field: '', kind: 'invalid', message: 'Invalid input: must be a JSON object', rule: 'Must be a JSON object.' }
    ])
  })
})
