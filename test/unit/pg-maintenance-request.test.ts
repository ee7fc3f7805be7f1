import { describe, expect, it } from 'vitest'
import { formatDatetime, parseDatetime, parseOperationRequest, parseVacuumMode } from '../../src/main/postgres/maintenance/request'
import { AppError } from '../../src/shared/errors'

function refusal(run: () => unknown): AppError {
  try {
    run()
  } catch (error) {
    if (error instanceof AppError) return error
    throw error
  }
  throw new Error('accepted, but a refusal was expected')
}

describe('parseVacuumMode', () => {
  it.each([
    ['full', { full: true, freeze: false, analyze: false }],
    ['freeze', { full: false, freeze: true, analyze: false }],
    ['analyze', { full: false, freeze: false, analyze: true }],
    ['full,analyze', { full: true, freeze: false, analyze: true }],
    ['analyze,full', { full: true, freeze: false, analyze: true }],
    ['freeze,analyze', { full: false, freeze: true, analyze: true }],
    ['full,freeze', { full: true, freeze: true, analyze: false }],
    ['full,freeze,analyze', { full: true, freeze: true, analyze: true }]
  ])('accepts %j', (mode, options) => {
    expect(parseVacuumMode(mode)).toEqual(options)
  })

  it('takes an absent or null mode for a plain VACUUM', () => {
    expect(parseVacuumMode(undefined)).toBeNull()
    expect(parseVacuumMode(null)).toBeNull()
  })

  it.each([
    [''],
    ['FULL'],
    ['Full'],
    ['full, analyze'],
    [' full'],
    ['full,'],
    [',full'],
    ['full,,analyze'],
    ['full,full'],
    ['verbose'],
    ['full;analyze'],
    ['full analyze'],
    ['disable_page_skipping'],
    [42],
    [true],
    [['full']],
    [{ full: true }]
  ])('refuses %j with the agent message', (mode) => {
    const error = refusal(() => parseVacuumMode(mode))
    expect(error.code).toBe('validation')
    expect(error.message).toBe("Parameter 'mode' is malformed.")
    expect(error.field).toBe('mode')
  })
})

describe('parseDatetime', () => {
  it.each([
    ['2019-03-22T12:24:39Z', Date.UTC(2019, 2, 22, 12, 24, 39)],
    ['2024-02-29T00:00:00Z', Date.UTC(2024, 1, 29)],
    ['1999-12-31T23:59:59Z', Date.UTC(1999, 11, 31, 23, 59, 59)],
    ['2100-01-01T00:00:00Z', Date.UTC(2100, 0, 1)]
  ])('accepts %s', (text, epoch) => {
    expect(parseDatetime(text)).toBe(epoch)
  })

  it('takes an absent or null datetime for "now"', () => {
    expect(parseDatetime(undefined)).toBeNull()
    expect(parseDatetime(null)).toBeNull()
  })

  it.each([
    ['2019-03-22 12:24:39Z'],
    ['2019-03-22T12:24:39'],
    ['2019-03-22T12:24:39+00:00'],
    ['2019-03-22T12:24:39.000Z'],
    ['2019-03-22T12:24Z'],
    ['2019-03-22'],
    ['2019-3-22T12:24:39Z'],
    ['2019-03-22t12:24:39z'],
    ['2019-02-29T00:00:00Z'],
    ['2019-02-30T00:00:00Z'],
    ['2019-13-01T00:00:00Z'],
    ['2019-00-10T00:00:00Z'],
    ['2019-04-31T00:00:00Z'],
    ['2019-03-22T24:00:00Z'],
    ['2019-03-22T12:60:00Z'],
    ['2019-03-22T12:00:60Z'],
    ['0019-03-22T12:00:00Z'],
    [' 2019-03-22T12:24:39Z'],
    ['2019-03-22T12:24:39Z\n'],
    ['now'],
    [''],
    [1553257479],
    [false]
  ])('refuses %j with the agent message', (text) => {
    const error = refusal(() => parseDatetime(text))
    expect(error.code).toBe('validation')
    expect(error.message).toBe("Parameter 'datetime' is malformed.")
    expect(error.field).toBe('datetime')
  })

  it('formats a time back in the same form, to the second', () => {
    expect(formatDatetime(Date.UTC(2019, 2, 23, 11, 28, 0, 999))).toBe('2019-03-23T11:28:00Z')
    expect(formatDatetime(parseDatetime('2019-03-22T12:24:39Z') as number)).toBe('2019-03-22T12:24:39Z')
  })
})

describe('parseOperationRequest', () => {
  it('reads mode and datetime for VACUUM, keeping the mode as given', () => {
    expect(parseOperationRequest('vacuum', { mode: 'analyze,full', datetime: '2019-03-22T12:24:39Z' })).toEqual({
      mode: 'analyze,full',
      vacuum: { full: true, freeze: false, analyze: true },
      datetime: Date.UTC(2019, 2, 22, 12, 24, 39)
    })
  })

  it('runs now, plain, without a body or with an empty one', () => {
    for (const body of [undefined, null, {}]) {
      expect(parseOperationRequest('vacuum', body)).toEqual({ mode: null, vacuum: null, datetime: null })
    }
  })

  it('ignores a mode for ANALYZE and REINDEX, as the agent does, but still checks datetime', () => {
    expect(parseOperationRequest('analyze', { mode: 'nonsense' })).toEqual({ mode: null, vacuum: null, datetime: null })
    expect(parseOperationRequest('reindex', { datetime: '2019-03-22T12:24:39Z' }).datetime).toBe(Date.UTC(2019, 2, 22, 12, 24, 39))
    expect(refusal(() => parseOperationRequest('reindex', { datetime: 'tomorrow' })).message).toBe("Parameter 'datetime' is malformed.")
  })

  it('checks the datetime before the mode', () => {
    expect(refusal(() => parseOperationRequest('vacuum', { mode: 'x', datetime: 'y' })).field).toBe('datetime')
  })

  it('refuses a body that is not an object', () => {
    for (const body of [[], 'full', 3]) {
      expect(refusal(() => parseOperationRequest('vacuum', body)).code).toBe('validation')
    }
  })
})
