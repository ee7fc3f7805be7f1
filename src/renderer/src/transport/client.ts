import type { Channel, Req, Res, Topic, Topics, VigilBridge } from '../../../shared/contract'
import { AppError } from '../../../shared/errors'
import { createHttpBridge } from './http'

declare global {
  interface Window {
    vigil?: VigilBridge
  }
}

/** In Electron the preload provides the bridge (IPC); in a browser it is HTTP. */
export const isDesktop = typeof window !== 'undefined' && window.vigil !== undefined
const bridge: VigilBridge = (typeof window !== 'undefined' && window.vigil) || createHttpBridge()

/** Calls a contract channel; resolves to its value or throws the AppError the core raised. */
export async function call<C extends Channel>(channel: C, ...args: Req<C> extends void ? [] : [Req<C>]): Promise<Res<C>> {
  const outcome = await bridge.invoke(channel, args[0] as Req<C>)
  if (!outcome.ok) throw AppError.fromBody(outcome.error)
  return outcome.value
}

export function subscribe<T extends Topic>(topic: T, listener: (payload: Topics[T]) => void): () => void {
  return bridge.subscribe(topic, listener)
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}
