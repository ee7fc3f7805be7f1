/**
 * What each snapshot source does with its one kept connection (an Oracle connection, a pg
 * client): calls run one at a time, in order, since a read-only transaction must not interleave
 * with another's; a connection that failed is forgotten and shut down in the background, once;
 * close() refuses later calls, lets the queued ones finish (each within its own deadline), then
 * shuts down the kept connection and waits for every background shutdown.
 */
export class KeptConnection<C extends object> {
  /** The connection calls use, until it is discarded. */
  current?: C
  private queue: Promise<unknown> = Promise.resolve()
  private readonly closing = new Set<Promise<void>>()
  private readonly discarded = new WeakSet<C>()
  private closed = false

  /**
   * @param shutdown closes one connection for good, whatever state it is in
   * @param closedError what a call made after close() fails with
   */
  constructor(
    private readonly shutdown: (connection: C, interrupt: boolean) => Promise<void>,
    private readonly closedError: () => Error
  ) {}

  /** Runs `work` after every call queued before it. */
  exclusive<T>(work: () => Promise<T>): Promise<T> {
    const run = this.queue.then(() => {
      if (this.closed) throw this.closedError()
      return work()
    })
    this.queue = run.catch(() => undefined)
    return run
  }

  /** Forgets `connection` and shuts it down in the background (`interrupt`: a call may still run on it). */
  discard(connection: C, interrupt = false): void {
    if (this.current === connection) this.current = undefined
    if (this.discarded.has(connection)) return
    this.discarded.add(connection)
    const done = this.shutdown(connection, interrupt)
    this.closing.add(done)
    void done.finally(() => this.closing.delete(done))
  }

  async close(): Promise<void> {
    this.closed = true
    await this.queue
    if (this.current) this.discard(this.current)
    await Promise.all([...this.closing])
  }
}

/** True when `promise` settled (either way) within `ms`. */
export function settleWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms)
    const settled = (): void => {
      clearTimeout(timer)
      resolve(true)
    }
    promise.then(settled, settled)
  })
}
