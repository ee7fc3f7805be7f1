import { useCallback, useState } from 'react'
import { settle, type Answer } from '../stores/loader'

export interface UseAction {
  pending: boolean
  /** The last action's failure, until the next action starts or it is cleared. */
  error: string | null
  /** Runs a mutation (save, delete, kill…); resolves to its answer, never rejects. */
  run<T>(action: () => Promise<T>): Promise<Answer<T>>
  setError(error: string | null): void
}

/** A view's mutations: whether one runs, and its error shown the same way as a load's. */
export function useAction(): UseAction {
  const [pending, setPending] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const run = useCallback(async <T,>(action: () => Promise<T>): Promise<Answer<T>> => {
    setPending(true)
    setError(null)
    const answer = await settle(action)
    setPending(false)
    if (!answer.ok) setError(answer.message)
    return answer
  }, [])
  return { pending, error, run, setError }
}
