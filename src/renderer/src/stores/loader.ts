import { errorMessage } from '../transport/client'

/** What one load came to: its value, or its error with the message to show. */
export type Answer<T> = { ok: true; value: T } | { ok: false; error: unknown; message: string }

/** Runs `fetch` to its answer: never rejects, and the error comes with the message to show. */
export async function settle<T>(fetch: () => Promise<T>): Promise<Answer<T>> {
  try {
    return { ok: true, value: await fetch() }
  } catch (error) {
    return { ok: false, error, message: errorMessage(error) }
  }
}

export interface LatestOnly {
  /** Runs `fetch`; resolves to its answer, or to null when a later run (or cancel) overtook it. */
  run<T>(fetch: () => Promise<T>): Promise<Answer<T> | null>
  /** Makes whatever is under way stale: its answer will be dropped. */
  cancel(): void
  /** Whether the latest run has not answered yet. */
  readonly running: boolean
}

/**
 * Keeps only the latest answer: a slow reply to an older request (another page, another
 * instance, a view since closed) must never overwrite a newer one.
 */
export function latestOnly(): LatestOnly {
  let latest = 0
  let running = false
  return {
    async run<T>(fetch: () => Promise<T>): Promise<Answer<T> | null> {
      const mine = ++latest
      running = true
      const answer = await settle(fetch)
      if (mine !== latest) return null
      running = false
      return answer
    },
    cancel() {
      latest++
      running = false
    },
    get running() {
      return running
    }
  }
}

/** Which of the state's fields say "loading" (none: null) and hold the error shown. */
export interface LoaderFields<S> {
  loading: keyof S | null
  error: keyof S
}

export interface LoadOptions<S> {
  /** Set as the load starts, along with the loading flag. */
  begin?: Partial<S>
  /** What a failure sets instead of its message alone (e.g. clearing what it was about). */
  failed?: (answer: Extract<Answer<unknown>, { ok: false }>) => Partial<S>
}

export interface Loader<S> extends Omit<LatestOnly, 'run'> {
  /**
   * Loads and applies the latest answer to the state: `apply(value)` with the error cleared,
   * or the error's message. Resolves to the answer, or null when it was overtaken.
   */
  load<T>(fetch: () => Promise<T>, apply: (value: T) => Partial<S>, options?: LoadOptions<S>): Promise<Answer<T> | null>
}

const DEFAULT_FIELDS = { loading: 'loading', error: 'error' }

/**
 * "Load, keep only the latest answer, show errors" for a piece of state: a zustand store's
 * `set`, or a component's (see use-load.ts). The fields default to `loading` and `error`.
 */
export function createLoader<S>(set: (patch: Partial<S>) => void, fields: LoaderFields<S> = DEFAULT_FIELDS as LoaderFields<S>): Loader<S> {
  const latest = latestOnly()
  const flag = (loading: boolean): Partial<S> => (fields.loading === null ? {} : ({ [fields.loading]: loading } as Partial<S>))
  return {
    async load(fetch, apply, options = {}) {
      set({ ...flag(true), ...options.begin })
      const answer = await latest.run(fetch)
      if (answer === null) return null
      if (answer.ok) set({ ...apply(answer.value), ...flag(false), [fields.error]: null })
      else set({ ...flag(false), [fields.error]: answer.message, ...options.failed?.(answer) })
      return answer
    },
    // Nothing is loading any more: a flag left on would say so forever.
    cancel() {
      latest.cancel()
      set(flag(false))
    },
    get running() {
      return latest.running
    }
  }
}
