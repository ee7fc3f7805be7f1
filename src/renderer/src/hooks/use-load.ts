import { useCallback, useEffect, useRef, useState, type DependencyList, type SetStateAction } from 'react'
import { createLoader, type Answer, type LoadOptions } from '../stores/loader'

export interface Loaded<T> {
  data: T | null
  error: string | null
  loading: boolean
}

export interface UseLoadOptions<T> extends LoadOptions<Loaded<T>> {
  /** Load only when asked (reload or load), not when the dependencies change. */
  lazy?: boolean
}

export interface UseLoad<T> extends Loaded<T> {
  /** Runs the hook's fetch again (a Refresh button, an event saying the data changed). */
  reload(): void
  /** Runs another fetch into the same state, e.g. with the arguments the user just picked. */
  load(fetch: () => Promise<T>, options?: LoadOptions<Loaded<T>>): Promise<Answer<T> | null>
  /** Replaces the data in place: a mutation's answer, a live event. */
  setData(update: SetStateAction<T | null>): void
}

/**
 * A view's own data, loaded when `deps` change, through the same loader as the stores: only
 * the latest answer lands (an answer for a page since left, or after unmount, is dropped), and
 * its error is shown until a later load succeeds. `fetch` is read at each load, so it may close
 * over the current props; `deps` say when to load again, as for useEffect.
 */
export function useLoad<T>(fetch: () => Promise<T>, deps: DependencyList, options: UseLoadOptions<T> = {}): UseLoad<T> {
  const { lazy = false, ...loadOptions } = options
  const [state, setState] = useState<Loaded<T>>({ data: null, error: null, loading: !lazy })
  const [loader] = useState(() => createLoader<Loaded<T>>((patch) => setState((current) => ({ ...current, ...patch }))))
  // The latest render's fetch and options, for loads started by events after it.
  const latest = useRef({ fetch, loadOptions })
  useEffect(() => {
    latest.current = { fetch, loadOptions }
  })

  const reload = useCallback(() => void loader.load(latest.current.fetch, (data) => ({ data }), latest.current.loadOptions), [loader])
  const load = useCallback((other: () => Promise<T>, options?: LoadOptions<Loaded<T>>) => loader.load(other, (data) => ({ data }), options), [loader])
  const setData = useCallback((update: SetStateAction<T | null>) => {
    setState((current) => ({ ...current, data: typeof update === 'function' ? (update as (previous: T | null) => T | null)(current.data) : update }))
  }, [])

  useEffect(() => {
    if (!lazy) reload()
    return () => loader.cancel()
    // `deps` stand for what fetch reads, as the caller's useEffect would list them.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [...deps, lazy])

  return { ...state, reload, load, setData }
}
