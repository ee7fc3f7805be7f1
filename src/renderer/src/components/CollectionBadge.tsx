import type { Server } from '../../../shared/servers'

const LABELS: Record<Server['collection_state'], string> = {
  idle: 'idle',
  disabled: 'off',
  connecting: 'connecting',
  collecting: 'collecting',
  auth_failed: 'auth failed',
  host_key_mismatch: 'host key changed',
  unreachable: 'unreachable',
  error: 'error'
}

/** The collector's state at a glance; the reason, when there is one, right under it. */
export function CollectionBadge({ server }: { server: Server }) {
  const { collection_state: state, collection_error: error } = server
  const tone = state === 'collecting' ? (error ? 'warn' : 'ok') : state === 'connecting' || state === 'idle' ? 'pending' : state === 'disabled' ? 'off' : 'bad'
  return (
    <div className="collection" title={error ?? undefined}>
      <span className={`dot dot-${tone}`} aria-hidden="true" />
      <span>{LABELS[state]}</span>
      {error ? <div className="cell-secondary collection-error">{error}</div> : null}
    </div>
  )
}
