import { describe, expect, it } from 'vitest'
import {
  InvalidQueryError,
  MemorySeriesSource,
  QueryTimeoutError,
  StorageError,
  TooManySamplesError,
  queryErrorType,
  queryInstant,
  queryRange,
  type EngineOptions
} from '../../../src/main/prometheus/promql/engine'
import { ParseError } from '../../../src/main/prometheus/promql'
import { MINUTE, SECOND, sourceOf } from './helpers'

// Three series sampled every 15 s for 10 minutes.
const ten = Array.from({ length: 41 }, (_, i) => String(i)).join(' ')
const source = sourceOf({ 'm{i="1"}': ten, 'm{i="2"}': ten, 'm{i="3"}': ten })
const failure = (run: Promise<unknown>): Promise<unknown> => run.then(() => undefined, (err: unknown) => err)
const range = (query: string, options: EngineOptions, endMs = 10 * MINUTE): Promise<unknown> => failure(queryRange(source, query, 0, endMs, MINUTE, options))
const TOO_MANY = 'query processing would load too many samples into memory in query execution'

describe('the sample limit', () => {
  it('counts what a query holds at once, as 2.42 does', async () => {
    // 3 series × 11 steps.
    expect(await range('m', { maxSamples: 33 })).toBeUndefined()
    expect(await range('m', { maxSamples: 32 })).toBeInstanceOf(TooManySamplesError)
    // The selector's 33 points stay counted while a step holds its 3 inputs and the sums so far: 33 + 3 + 11 at the last.
    expect(await range('sum(m)', { maxSamples: 47 })).toBeUndefined()
    expect(await range('sum(m)', { maxSamples: 46 })).toBeInstanceOf(TooManySamplesError)
  })

  it('counts the window a range function reads, and its output series', async () => {
    // One series' 5 m window (21 points) at a time, plus the outputs so far (2 × 11): 21 + 22 + 11 = 54 at the last series.
    expect(await range('count_over_time(m[5m])', { maxSamples: 54 })).toBeUndefined()
    expect(await range('count_over_time(m[5m])', { maxSamples: 53 })).toBeInstanceOf(TooManySamplesError)
  })

  it('counts the raw samples of a range selector at the top of an instant query', async () => {
    const instant = (maxSamples: number) => failure(queryInstant(source, 'm[1m]', 5 * MINUTE, { maxSamples }))
    expect(await instant(15)).toBeUndefined()
    expect(await instant(14)).toBeInstanceOf(TooManySamplesError)
  })

  it('words the error as 2.42, an execution error', async () => {
    const err = (await range('m', { maxSamples: 1 })) as Error
    expect(err.message).toBe(TOO_MANY)
    expect(queryErrorType(err)).toBe('execution')
  })
})

describe('the timeout', () => {
  it('ends a query past its deadline with a timeout error', async () => {
    const err = (await failure(queryInstant(source, 'm', 0, { timeoutMs: 0 }))) as Error
    expect(err).toBeInstanceOf(QueryTimeoutError)
    expect(err.message).toBe('query timed out in query execution')
    expect(queryErrorType(err)).toBe('timeout')
  })
})

describe('queries refused before evaluation', () => {
  it('parse errors are bad_data, worded by the parser', async () => {
    const err = await failure(queryInstant(source, 'sum(', 0))
    expect(err).toBeInstanceOf(ParseError)
    expect((err as Error).message).toBe('1:5: parse error: unclosed left parenthesis')
    expect(queryErrorType(err)).toBe('bad_data')
  })

  it('a range query takes only a scalar or an instant vector', async () => {
    const err = await failure(queryRange(source, 'm[5m]', 0, MINUTE, SECOND))
    expect(err).toBeInstanceOf(InvalidQueryError)
    expect((err as Error).message).toBe('invalid expression type "range vector" for range query, must be Scalar or instant Vector')
    expect(queryErrorType(err)).toBe('bad_data')
    expect(((await failure(queryRange(source, '"text"', 0, MINUTE, SECOND))) as Error).message).toBe(
      'invalid expression type "string" for range query, must be Scalar or instant Vector'
    )
  })

  it('a step under a millisecond fails as 2.42 fails it, unless start and end are one instant', async () => {
    expect(((await failure(queryRange(source, 'm', 0, MINUTE, 0))) as Error).message).toBe('unexpected error: runtime error: integer divide by zero')
    expect(await queryRange(source, 'm', MINUTE, MINUTE, 0)).toMatchObject({ type: 'vector' })
  })
})

describe('the source failing', () => {
  it('is an internal error', async () => {
    const broken = new MemorySeriesSource([])
    broken.select = () => {
      throw new Error('disk on fire')
    }
    const err = await failure(queryInstant(broken, 'm', 0))
    expect(err).toBeInstanceOf(StorageError)
    expect((err as Error).message).toBe('expanding series: disk on fire')
    expect(queryErrorType(err)).toBe('internal')
  })
})

describe('function errors', () => {
  const message = async (query: string): Promise<string> => ((await failure(queryInstant(source, query, MINUTE))) as Error).message
  it('come from the first step, even over an empty vector', async () => {
    expect(await message('label_replace(nothing, "dst", "", "src", "(")')).toBe('invalid regular expression in label_replace(): (')
    expect(await message('label_replace(m, "1dst", "", "src", ".*")')).toBe('invalid destination label name in label_replace(): 1dst')
    expect(await message('label_join(m, "dst", ",", "a", "-b")')).toBe('invalid source label name in label_join(): -b')
    expect(await message('count_values("a-b", m)')).toBe('invalid label name "a-b"')
    expect(await message('topk(NaN, m)')).toBe('Scalar value NaN overflows int64')
  })

  it('of range functions come only where a window has points', async () => {
    expect(await message('holt_winters(m[1m], 2, 0.5)')).toBe('invalid smoothing factor. Expected: 0 < sf < 1, got: 2.000000')
    expect(await queryInstant(source, 'holt_winters(nothing[1m], 2, 0.5)', MINUTE)).toEqual({ type: 'vector', samples: [] })
  })
})
