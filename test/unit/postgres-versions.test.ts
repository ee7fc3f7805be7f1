import { describe, expect, it } from 'vitest'
import { forVersion } from '../../src/main/postgres/queryable'

describe('forVersion', () => {
  const variants = [
    [130000, 'thirteen'],
    [170000, 'seventeen']
  ] as const

  it('takes the newest variant the server meets', () => {
    expect(forVersion(130012, variants)).toBe('thirteen')
    expect(forVersion(160004, variants)).toBe('thirteen')
    expect(forVersion(170000, variants)).toBe('seventeen')
    expect(forVersion(180001, variants)).toBe('seventeen')
  })

  it('refuses a server older than every variant', () => {
    expect(() => forVersion(120000, variants)).toThrow(/no variant for server_version_num 120000/)
  })
})
