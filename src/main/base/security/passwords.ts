import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto'
import { AppError } from '../../../shared/errors'

// scrypt with OWASP's recommended cost (N=2^17, r=8, p=1: 128 MiB, ~0.3 s here), stored as
// `scrypt$N$r$p$salt$hash` so the cost can rise later without breaking existing hashes.
const PARAMS = { N: 2 ** 17, r: 8, p: 1 }
const KEY_LENGTH = 32

/**
 * How much password hashing may happen at once. Each scrypt holds 128 MiB and a thread of
 * libuv's pool (4 threads, shared with file reads) for ~0.4 s: unbounded, 40 attempts took RSS
 * from 95 to 607 MiB and made static files wait seconds. One runs at a time; a few wait; the
 * rest are refused at once.
 */
export const HASHING_LIMITS = { concurrent: 1, waiting: 4 }

/** Runs at most `concurrent` jobs at once, `waiting` more in line; beyond that, refuses at once. */
export class WorkGate {
  private running = 0
  private readonly queue: Array<() => void> = []

  constructor(
    private readonly concurrent: number,
    private readonly waiting: number
  ) {}

  /** Jobs running and waiting now. */
  get load(): number {
    return this.running + this.queue.length
  }

  async run<T>(job: () => Promise<T>): Promise<T> {
    if (this.running >= this.concurrent) {
      if (this.queue.length >= this.waiting) {
        throw new AppError('too_many_requests', 'Too many password checks at once; try again in a moment.', { retryAfterSeconds: 1 })
      }
      await new Promise<void>((resolve) => this.queue.push(resolve))
    } else {
      this.running++
    }
    try {
      return await job()
    } finally {
      const next = this.queue.shift()
      if (next) next()
      else this.running--
    }
  }
}

/** Every scrypt Vigil runs (logins, new passwords) goes through this one gate. */
export const passwordHashing = new WorkGate(HASHING_LIMITS.concurrent, HASHING_LIMITS.waiting)

function derive(password: string, salt: Buffer, params: typeof PARAMS): Promise<Buffer> {
  const options: ScryptOptions = { ...params, maxmem: 256 * params.N * params.r }
  return passwordHashing.run(
    () =>
      new Promise((resolve, reject) =>
        scrypt(password.normalize('NFKC'), salt, KEY_LENGTH, options, (error, key) => (error ? reject(error) : resolve(key)))
      )
  )
}

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16)
  const key = await derive(password, salt, PARAMS)
  return ['scrypt', PARAMS.N, PARAMS.r, PARAMS.p, salt.toString('base64'), key.toString('base64')].join('$')
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, hash] = stored.split('$')
  if (scheme !== 'scrypt' || !salt || !hash) return false
  const expected = Buffer.from(hash, 'base64')
  const key = await derive(password, Buffer.from(salt, 'base64'), { N: Number(n), r: Number(r), p: Number(p) })
  return key.length === expected.length && timingSafeEqual(key, expected)
}
