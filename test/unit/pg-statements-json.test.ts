// The agent's /statements JSON: queryid, a 64-bit hash, keeps every digit as a JSON number.
import { describe, expect, it } from 'vitest'
import { statementsJson } from '../../src/main/api/agent/statements-json'
import type { StatementRow } from '../../src/shared/pg-agent'

const row = (queryid: string | null, query = 'SELECT 1'): StatementRow =>
  ({ rolname: 'bench', datname: 'bench', userid: 10, dbid: 5, queryid, query, calls: 1, total_time: 1001.583008 }) as StatementRow

describe('statementsJson', () => {
  it('writes queryids past 2^53 exactly, as numbers, negative ones too', () => {
    const text = statementsJson({ snapshot_datetime: '2026-12-02 10:00:00+00', data: [row('8902871239081771623'), row('-4328764738473628716'), row('125206108')] })
    expect(text).toContain('"queryid":8902871239081771623,')
    expect(text).toContain('"queryid":-4328764738473628716,')
    expect(text).toContain('"queryid":125206108,')
    // What JSON.stringify of a JavaScript number would have sent.
    expect(JSON.stringify(Number('8902871239081771623'))).not.toBe('8902871239081771623')
    expect(JSON.parse(text).data[0].total_time).toBe(1001.583008)
  })

  it('leaves a hidden queryid null and never touches a query text that looks like a marked one', () => {
    const sneaky = '\\u0000queryid:1'
    const text = statementsJson({ snapshot_datetime: 'x', data: [row(null, sneaky), row('7', '"\u0000queryid:2"')] })
    const parsed = JSON.parse(text)
    expect(parsed.data[0]).toMatchObject({ queryid: null, query: sneaky })
    expect(parsed.data[1]).toMatchObject({ queryid: 7, query: '"\u0000queryid:2"' })
  })
})
