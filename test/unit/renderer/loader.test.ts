import { describe, expect, it } from 'vitest'
import { createStore } from 'zustand/vanilla'
import { createLoader, latestOnly } from '../../../src/renderer/src/stores/loader'

/** A promise the test settles when it wants: the answer of a slow or a fast request. */
function deferred<T>() {
  let resolve!: (value: T) => void
  let reject!: (error: unknown) => void
  const promise = new Promise<T>((res, rej) => {
    resolve = res
    reject = rej
  })
  return { promise, resolve, reject }
}

interface ListState {
  items: string[]
  loading: boolean
  error: string | null
}

function listStore() {
  const store = createStore<ListState>(() => ({ items: [], loading: false, error: null }))
  const loader = createLoader<ListState>((patch) => store.setState(patch))
  const load = (fetch: () => Promise<string[]>) => loader.load(fetch, (items) => ({ items }))
  return { store, loader, load }
}

describe('latestOnly', () => {
  it('drops an older answer that lands after a newer one', async () => {
    const latest = latestOnly()
    const slow = deferred<string>()
    const fast = deferred<string>()
    const first = latest.run(() => slow.promise)
    const second = latest.run(() => fast.promise)
    fast.resolve('page 2')
    slow.resolve('page 1')
    expect(await second).toEqual({ ok: true, value: 'page 2' })
    expect(await first).toBeNull()
  })

  it('says whether the latest run is under way, and cancel makes it stale', async () => {
    const latest = latestOnly()
    const answer = deferred<number>()
    const run = latest.run(() => answer.promise)
    expect(latest.running).toBe(true)
    latest.cancel()
    expect(latest.running).toBe(false)
    answer.resolve(1)
    expect(await run).toBeNull()
  })

  it('turns a rejection into an answer with the message to show', async () => {
    const answer = await latestOnly().run(() => Promise.reject(new Error('refused')))
    expect(answer).toMatchObject({ ok: false, message: 'refused' })
  })
})

describe('createLoader', () => {
  it('keeps the latest answer when two loads race, whatever order they land in', async () => {
    const { store, load } = listStore()
    const slow = deferred<string[]>()
    const fast = deferred<string[]>()
    const first = load(() => slow.promise)
    const second = load(() => fast.promise)
    expect(store.getState().loading).toBe(true)
    fast.resolve(['new'])
    await second
    expect(store.getState()).toMatchObject({ items: ['new'], loading: false })
    slow.resolve(['old'])
    await first
    expect(store.getState().items).toEqual(['new'])
  })

  it('ignores the failure of a load a newer one overtook', async () => {
    const { store, load } = listStore()
    const slow = deferred<string[]>()
    const first = load(() => slow.promise)
    await load(() => Promise.resolve(['fresh']))
    slow.reject(new Error('timed out'))
    await first
    expect(store.getState()).toMatchObject({ items: ['fresh'], error: null, loading: false })
  })

  it('shows an error, keeps what was shown, and clears the error on a later success', async () => {
    const { store, load } = listStore()
    await load(() => Promise.resolve(['a']))
    await load(() => Promise.reject(new Error('Vigil is not reachable')))
    expect(store.getState()).toMatchObject({ items: ['a'], error: 'Vigil is not reachable', loading: false })
    await load(() => Promise.resolve(['a', 'b']))
    expect(store.getState()).toMatchObject({ items: ['a', 'b'], error: null })
  })

  it('writes to the fields it is given, with what begin and failed add', async () => {
    const store = createStore<{ diff: string | null; diffLoading: boolean; diffError: string | null }>(() => ({ diff: 'old', diffLoading: false, diffError: 'before' }))
    const loader = createLoader<ReturnType<typeof store.getState>>((patch) => store.setState(patch), { loading: 'diffLoading', error: 'diffError' })
    const answer = deferred<string>()
    const run = loader.load(() => answer.promise, (diff) => ({ diff }), { begin: { diffError: null }, failed: () => ({ diff: null }) })
    expect(store.getState()).toEqual({ diff: 'old', diffLoading: true, diffError: null })
    answer.reject(new Error('gone'))
    await run
    expect(store.getState()).toEqual({ diff: null, diffLoading: false, diffError: 'gone' })
  })

  it('leaves the state alone after cancel (a view closed while its load was under way)', async () => {
    const { store, loader, load } = listStore()
    const answer = deferred<string[]>()
    const run = load(() => answer.promise)
    loader.cancel()
    expect(store.getState().loading).toBe(false)
    answer.resolve(['late'])
    expect(await run).toBeNull()
    expect(store.getState()).toMatchObject({ items: [], loading: false })
  })
})
