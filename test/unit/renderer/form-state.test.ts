import { describe, expect, it } from 'vitest'
import { AppError } from '../../../src/shared/errors'
import { ServerCreateSchema } from '../../../src/shared/servers'
import { failureOf, fieldsOf, hasErrors, placeIssues, schemaIssues } from '../../../src/renderer/src/forms/form-state'

describe('form issues', () => {
  it('puts each issue at its field, the first of a field winning', () => {
    const placed = placeIssues([
      { field: 'port', message: 'first' },
      { field: 'port', message: 'second' },
      { field: 'host', message: 'host' }
    ])
    expect(placed).toEqual({ errors: { port: 'first', host: 'host' }, formErrors: [] })
    expect(hasErrors(placed)).toBe(true)
    expect(hasErrors(placeIssues([]))).toBe(false)
  })

  it('says above the form what no field of the form shows', () => {
    const placed = placeIssues(
      [
        { field: 'name', message: 'Missing name' },
        { field: 'extra', message: 'Unknown field' }
      ],
      fieldsOf(['name'])
    )
    expect(placed).toEqual({ errors: { name: 'Missing name' }, formErrors: ['Unknown field'] })
  })

  it('maps the API field names to the form names', () => {
    const fieldOf = (field: string) => (field === 'control.method' ? 'control_method' : field)
    expect(placeIssues([{ field: 'control.method', message: 'Choose one' }], fieldOf).errors).toEqual({ control_method: 'Choose one' })
  })

  it('shows the core verdict at the fields, and any other failure above the form', () => {
    const duplicate = AppError.invalidField('hostname', "A server with hostname 'web' already exists")
    expect(failureOf(duplicate).errors.hostname).toMatch(/already exists/)
    expect(failureOf(new AppError('not_found', 'Gone', { field: 'id' })).errors).toEqual({ id: 'Gone' })
    expect(failureOf(new Error('Vigil is not reachable'))).toEqual({ errors: {}, formErrors: ['Vigil is not reachable'] })
  })

  it('finds what the schema refuses before anything is sent', () => {
    const issues = schemaIssues(ServerCreateSchema, { hostname: 'web', ip_address: '127.0.0.300', ssh_username: 'ops' })
    expect(placeIssues(issues).errors.ip_address).toMatch(/ip_address/)
    expect(schemaIssues(ServerCreateSchema, { hostname: 'web', ip_address: '127.0.0.30', ssh_username: 'ops' })).toEqual([])
  })
})
