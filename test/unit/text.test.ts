import { describe, expect, it } from 'vitest'
import { detachedCopy } from '../../src/main/base/text'

describe('detachedCopy', () => {
  it('gives back the same text, whatever it was cut from, lone surrogates and all', () => {
    const report = `  PID COMMAND\n    1 /usr/lib/systemd/systemd --switched-root \ud800x \udfff\n${'-'.repeat(10_000)}`
    for (const text of ['', 'sh', report.slice(report.indexOf('/usr'), report.indexOf('\n', 20)), report]) expect(detachedCopy(text)).toBe(text)
  })
})
