import { describe, expect, it } from 'vitest'
import { AppError } from '../../src/shared/errors'
import { WorkGate } from '../../src/main/base/security/passwords'
import { DEFAULT_LOGIN_LIMITS, LoginThrottle } from '../../src/main/users'

function refusal(run: () => void): AppError | null {
  try {
    run()
    return null
  } catch (error) {
    if (error instanceof AppError) return error
    throw error
  }
}

describe('login throttle', () => {
  it('lets a user fail 5 times, then makes them wait 1 s, 2 s, 4 s … up to 5 minutes', () => {
    let now = 1_000_000
    const throttle = new LoginThrottle(DEFAULT_LOGIN_LIMITS, () => now)
    for (let attempt = 0; attempt < 5; attempt++) {
      expect(refusal(() => throttle.check('10.0.0.1', 'alice'))).toBeNull()
      throttle.failed('10.0.0.1', 'alice')
    }
    const waits: number[] = []
    for (let attempt = 0; attempt < 12; attempt++) {
      const error = refusal(() => throttle.check('10.0.0.2', 'Alice'))
      expect(error?.code).toBe('too_many_requests')
      waits.push(error?.retryAfterSeconds ?? 0)
      now += (error?.retryAfterSeconds ?? 0) * 1000
      expect(refusal(() => throttle.check('10.0.0.2', 'alice'))).toBeNull()
      throttle.failed('10.0.0.2', 'alice')
    }
    expect(waits).toEqual([1, 2, 4, 8, 16, 32, 64, 128, 256, 300, 300, 300])
  })

  it('limits a client over every username it tries: 20 free failures, then backoff', () => {
    let now = 0
    const throttle = new LoginThrottle(DEFAULT_LOGIN_LIMITS, () => now)
    for (let user = 0; user < 20; user++) {
      expect(refusal(() => throttle.check('127.0.0.1', `guess-${user}`))).toBeNull()
      throttle.failed('127.0.0.1', `guess-${user}`)
    }
    expect(refusal(() => throttle.check('127.0.0.1', 'someone-new'))?.message).toBe('Too many failed logins; try again in 1 s.')
    expect(refusal(() => throttle.check('10.1.1.1', 'someone-new'))).toBeNull()
    now += 1000
    expect(refusal(() => throttle.check('127.0.0.1', 'someone-new'))).toBeNull()
  })

  it('starts afresh after a success, or after 15 minutes without a failure', () => {
    let now = 0
    const throttle = new LoginThrottle(DEFAULT_LOGIN_LIMITS, () => now)
    const failTimes = (count: number) => {
      for (let index = 0; index < count; index++) throttle.failed('c', 'bob')
    }
    failTimes(6)
    expect(refusal(() => throttle.check('c', 'bob'))).not.toBeNull()
    throttle.succeeded('c', 'bob')
    expect(refusal(() => throttle.check('c', 'bob'))).toBeNull()
    failTimes(6)
    now += 15 * 60_000
    expect(refusal(() => throttle.check('c', 'bob'))).toBeNull()
    failTimes(1)
    expect(refusal(() => throttle.check('c', 'bob'))).toBeNull()
  })
})

describe('password hashing gate', () => {
  it('runs one job at a time, lets a few wait, and refuses the rest at once', async () => {
    const gate = new WorkGate(1, 2)
    const releases: Array<() => void> = []
    const job = () => new Promise<string>((resolve) => releases.push(() => resolve('done')))
    const accepted = [gate.run(job), gate.run(job), gate.run(job)]
    await expect(gate.run(job)).rejects.toMatchObject({ code: 'too_many_requests', retryAfterSeconds: 1 })
    expect(gate.load).toBe(3)
    // Only the first has started; finishing it starts the next, in order.
    expect(releases).toHaveLength(1)
    for (let index = 0; index < 3; index++) {
      await Promise.resolve()
      await Promise.resolve()
      releases[index]?.()
      await accepted[index]
    }
    expect(await Promise.all(accepted)).toEqual(['done', 'done', 'done'])
    expect(gate.load).toBe(0)
  })
})
