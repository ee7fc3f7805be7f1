import { describe, expect, it } from 'vitest'
import { detectOs } from '../../../src/main/metrics/parsers'

describe('detectOs', () => {
  it('knows Linux and AIX from uname -s', () => {
    expect(detectOs('Linux\n')).toEqual({ ok: true, os: 'linux' })
    expect(detectOs('AIX\n')).toEqual({ ok: true, os: 'aix' })
    expect(detectOs('AIX\r\n')).toEqual({ ok: true, os: 'aix' })
  })

  it('looks past what a login script printed first', () => {
    expect(detectOs('stty: standard input: Inappropriate ioctl for device\nAIX\n')).toEqual({ ok: true, os: 'aix' })
  })

  it('refuses other systems and empty output, saying what it saw', () => {
    expect(detectOs('SunOS\n')).toEqual({ ok: false, error: 'unsupported OS: uname -s says "SunOS" (Vigil knows Linux and AIX)' })
    expect(detectOs('')).toEqual({ ok: false, error: 'uname -s printed nothing' })
    expect(detectOs('linux\n').ok).toBe(false)
    expect(detectOs('constructor').ok).toBe(false)
    expect(detectOs('Linux x86_64\n').ok).toBe(false)
  })
})
