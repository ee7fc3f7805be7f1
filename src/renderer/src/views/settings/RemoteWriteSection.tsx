import { useEffect, useState, type FormEvent } from 'react'
import type { RemoteWriteState, RemoteWriteStatus } from '../../../../shared/remote-write'
import { RemoveDialog } from '../../components/Dialog'
import { Notices } from '../../components/Notices'
import { useAction } from '../../hooks/use-action'
import { useLoad } from '../../hooks/use-load'
import { useCan } from '../../stores/session'
import { call } from '../../transport/client'

/** How often the status is asked for while the section is shown: sending moves by the second. */
const REFRESH_MS = 2000

const STATE_TEXT: Record<RemoteWriteState, string> = {
  off: 'Off',
  idle: 'Up to date',
  sending: 'Sending',
  retrying: 'Retrying (receiver failing)',
  refused: 'Refused by the receiver'
}

/**
 * Remote write: every series Vigil stores, pushed to a Prometheus-compatible receiver (the same
 * as `vigil serve --remote-write URL` and PUT /api/remote-write). What has not been sent waits
 * in the store, so the status shows a backlog, not a queue in memory.
 */
export function RemoteWriteSection() {
  const status = useLoad(() => call('remoteWrite.status'), [])
  const action = useAction()
  const can = useCan()
  // What the user typed; null: the form shows what is saved (and follows it).
  const [draft, setDraft] = useState<{ url: string; enabled: boolean } | null>(null)
  const [token, setToken] = useState('')
  const [removing, setRemoving] = useState(false)
  const current = status.data
  const { url, enabled } = draft ?? { url: current?.url ?? '', enabled: current?.url ? current.enabled : true }
  const edit = (change: Partial<{ url: string; enabled: boolean }>): void => setDraft({ url, enabled, ...change })

  const { reload } = status
  useEffect(() => {
    const timer = setInterval(reload, REFRESH_MS)
    return () => clearInterval(timer)
  }, [reload])

  const save = async (event: FormEvent): Promise<void> => {
    event.preventDefault()
    const answer = await action.run(() => call('remoteWrite.configure', { url, enabled, ...(token === '' ? {} : { bearerToken: token }) }))
    if (!answer.ok) return
    status.setData(answer.value)
    setToken('')
    setDraft(null)
  }

  return (
    <section className="settings-section" aria-labelledby="remote-write-title">
      <h2 id="remote-write-title">Remote write</h2>
      <p className="hint">
        Push every series Vigil stores (server metrics, PostgreSQL history, table counts, scraped and imported series) to a Prometheus
        remote-write receiver: Prometheus with <code>--web.enable-remote-write-receiver</code>, Mimir, Thanos Receive, VictoriaMetrics.
        Samples stored from the moment it is set are sent; while the receiver is down they wait in the store.
      </p>
      {can('remoteWrite.configure') && (
        <form className="remote-write-form" onSubmit={(event) => void save(event)}>
          <label>
            Receiver URL
            <input
              type="url"
              placeholder="http://prometheus:9090/api/v1/write"
              value={url}
              required
              onChange={(event) => edit({ url: event.target.value })}
            />
          </label>
          <label>
            Bearer token
            <input
              type="password"
              autoComplete="off"
              placeholder={current?.hasBearerToken ? 'Set (leave empty to keep it)' : 'None'}
              value={token}
              onChange={(event) => setToken(event.target.value)}
            />
          </label>
          <label className="checkbox">
            <input
              type="checkbox"
              checked={enabled}
              onChange={(event) => edit({ enabled: event.target.checked })}
            />
            Send
          </label>
          <div className="toolbar">
            <button type="submit" className="primary" disabled={action.pending}>
              Save
            </button>
            {current?.url && can('remoteWrite.remove') ? (
              <button type="button" className="danger-text" onClick={() => setRemoving(true)}>
                Remove receiver
              </button>
            ) : null}
          </div>
        </form>
      )}
      <Notices error={action.error ?? status.error} />
      {current?.url ? <RemoteWriteFacts status={current} /> : null}
      {removing ? (
        <RemoveDialog
          verb="Remove"
          name="the remote-write receiver"
          message={<p>Vigil stops sending and forgets how far it got; samples already sent stay on the receiver.</p>}
          onConfirm={async () => {
            const answer = await action.run(() => call('remoteWrite.remove'))
            if (!answer.ok) return
            status.setData(answer.value)
            setDraft(null)
          }}
          onClose={() => setRemoving(false)}
        />
      ) : null}
    </section>
  )
}

function RemoteWriteFacts({ status }: { status: RemoteWriteStatus }) {
  const when = (iso: string | null): string => (iso === null ? '—' : new Date(iso).toLocaleString())
  return (
    <>
      <dl className="facts" aria-label="Remote write status">
        <dt>State</dt>
        <dd data-state={status.state}>{STATE_TEXT[status.state]}</dd>
        <dt>Sending samples stored since</dt>
        <dd>{when(status.since)}</dd>
        <dt>Samples sent</dt>
        <dd>{status.samplesSent.toLocaleString()}</dd>
        <dt>Waiting in the store</dt>
        <dd>
          {status.backlogRows.toLocaleString()} rows in {status.backlogGroups.toLocaleString()} groups
        </dd>
        <dt>Refused by the receiver (passed over)</dt>
        <dd>{status.samplesRefused.toLocaleString()}</dd>
        <dt>Last success</dt>
        <dd>{when(status.lastSuccessAt)}</dd>
      </dl>
      {status.lastError ? (
        <p className={status.state === 'retrying' || status.state === 'refused' ? 'form-error' : 'hint'} role={status.state === 'retrying' || status.state === 'refused' ? 'alert' : undefined}>
          Last error ({when(status.lastError.at)}): {status.lastError.message}
        </p>
      ) : null}
    </>
  )
}
