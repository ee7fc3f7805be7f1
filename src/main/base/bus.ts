import { EventEmitter } from 'node:events'
import type { Topic, Topics } from '../../shared/contract'

/** In-process publish/subscribe; IPC, WebSockets and webhooks (src/main/webhooks) all listen here. */
export class EventBus {
  private readonly emitter = new EventEmitter()

  constructor() {
    // Every open window and socket subscribes; the default cap of 10 would warn on a busy desk.
    this.emitter.setMaxListeners(0)
  }

  publish<T extends Topic>(topic: T, payload: Topics[T]): void {
    this.emitter.emit(topic, payload)
  }

  subscribe<T extends Topic>(topic: T, listener: (payload: Topics[T]) => void): () => void {
    this.emitter.on(topic, listener)
    return () => this.emitter.off(topic, listener)
  }
}
