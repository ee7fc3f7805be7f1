import { describe, expect, it } from 'vitest'
import { resolveColumn, validateOrderBy } from '../../../src/main/table-monitoring/sql/order-by'
import { AppError } from '../../../src/shared/errors'

const COLUMNS = ['ID', 'NAME', 'CREATED_DATE', 'Mixed Case', 'ASC']

function refusal(run: () => unknown): AppError {
  try {
    run()
  } catch (error) {
    expect(error).toBeInstanceOf(AppError)
    expect(error).toMatchObject({ code: 'validation', field: 'order_by' })
    return error as AppError
  }
  throw new Error('expected a refusal')
}

describe('validateOrderBy', () => {
  it.each([
    ['', []],
    ['  ', []],
    ['ID DESC', [{ column: 'ID', direction: 'DESC' }]],
    ['id', [{ column: 'ID', direction: 'ASC' }]],
    ['ORDER BY name asc, Created_Date', [{ column: 'NAME', direction: 'ASC' }, { column: 'CREATED_DATE', direction: 'ASC' }]],
    ['created_date DESC NULLS LAST, id', [{ column: 'CREATED_DATE', direction: 'DESC', nulls: 'LAST' }, { column: 'ID', direction: 'ASC' }]],
    ['"Mixed Case" nulls first', [{ column: 'Mixed Case', direction: 'ASC', nulls: 'FIRST' }]],
    ['"ASC" DESC', [{ column: 'ASC', direction: 'DESC' }]],
    ['asc desc', [{ column: 'ASC', direction: 'DESC' }]]
  ])('accepts %j', (text, expected) => {
    expect(validateOrderBy(text, COLUMNS)).toEqual(expected)
  })

  it('treats null as no order', () => {
    expect(validateOrderBy(null, COLUMNS)).toEqual([])
  })

  it.each([
    ['1', /expected a column name, found '1'/],
    ['ID DESC,', /a column name after the comma/],
    [', ID', /expected a column name, found ','/],
    ['UPPER(NAME)', /expected ',' or the end, found '\('/],
    ['ID + 1', /found '\+'/],
    ['ID DESC DESC', /found 'DESC'/],
    ['ID NULLS', /FIRST or LAST after NULLS/],
    ['ID NULLS MIDDLE', /FIRST or LAST after NULLS, found 'MIDDLE'/],
    ['t.ID', /found '\.'/],
    ['ID; DROP TABLE t', /found ';'/],
    ['ID -- comment', /found '-- comment'/],
    ['ID, (SELECT 1 FROM dual)', /found '\('/],
    ["'ID'", /found ''ID''/],
    ['EMAIL', /unknown column 'EMAIL'/],
    ['"mixed case"', /unknown column 'mixed case'/],
    ['"id"', /unknown column 'id'/],
    ['ID, id', /lists column 'ID' more than once/],
    ["ID, NAME = 'x", /string literal that is never closed/]
  ])('refuses %j', (text, message) => {
    expect(refusal(() => validateOrderBy(text, COLUMNS)).message).toMatch(message)
  })
})

describe('resolveColumn', () => {
  it('prefers an exact match, else a unique case-insensitive one', () => {
    expect(resolveColumn('id', ['ID', 'id'], 'f')).toBe('id')
    expect(resolveColumn('Id', ['ID', 'NAME'], 'f')).toBe('ID')
    expect(resolveColumn('name', ['ID', 'name'], 'f')).toBe('name')
  })

  it('asks for quotes when case alone tells columns apart', () => {
    expect(() => resolveColumn('Id', ['ID', 'id'], 'columns_to_monitor')).toThrow(/matches several columns \(ID, id\)/)
    expect(() => resolveColumn('Id', ['ID', 'id'], 'columns_to_monitor')).toThrow(AppError)
  })

  it('matches quoted names exactly', () => {
    expect(() => resolveColumn('id', ['ID'], 'f', true)).toThrow(/unknown column 'id'/)
  })
})
