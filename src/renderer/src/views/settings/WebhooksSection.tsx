import { useEffect, useState } from 'react'
import type { WebhookDto } from '../../../../shared/webhooks'
import { ActionsHeader } from '../../components/DataTable'
import { RemoveDialog } from '../../components/Dialog'
import { Notices } from '../../components/Notices'
import { useAction } from '../../hooks/use-action'
import { useLoad } from '../../hooks/use-load'
import { useCan } from '../../stores/session'
import { call, subscribe } from '../../transport/client'
import { WebhookDeliveries } from './webhooks/WebhookDeliveries'
import { WebhookForm } from './webhooks/WebhookForm'

/** How long changes are gathered before the section reloads. */
const RELOAD_AFTER_MS = 150

/**
 * Webhooks: Vigil's events posted to HTTP receivers, as /api/v1/webhooks/ manages them (made here,
 * they are the owner's: every event is sent). The list and the open deliveries log follow
 * `webhooks.changed`, so a test's attempts show as they happen.
 */
export function WebhooksSection() {
  const list = useLoad(() => call('webhooks.list'), [])
  const can = useCan()
  const [open, setOpen] = useState<number | null>(null)
  const deliveries = useLoad(() => (open === null ? Promise.resolve([]) : call('webhooks.deliveries', { id: open })), [open])
  const action = useAction()
  const [removing, setRemoving] = useState<WebhookDto | null>(null)
  const [notice, setNotice] = useState<string | null>(null)
  const webhooks = list.data ?? []

  const { reload: reloadList } = list
  const { reload: reloadDeliveries } = deliveries
  useEffect(() => {
    // One reload for a burst (a fan-out to many webhooks announces every attempt).
    let timer: ReturnType<typeof setTimeout> | null = null
    let openChanged = false
    const unsubscribe = subscribe('webhooks.changed', ({ id }) => {
      openChanged ||= id === open
      timer ??= setTimeout(() => {
        timer = null
        reloadList()
        if (openChanged) reloadDeliveries()
        openChanged = false
      }, RELOAD_AFTER_MS)
    })
    return () => {
      unsubscribe()
      if (timer) clearTimeout(timer)
    }
  }, [open, reloadList, reloadDeliveries])

  const test = async (webhook: WebhookDto): Promise<void> => {
    const answer = await action.run(() => call('webhooks.test', { id: webhook.id }))
    if (!answer.ok) return
    setOpen(webhook.id)
    setNotice(`Test event sent to ${webhook.name}; its attempts appear below.`)
  }
  const enable = async (webhook: WebhookDto): Promise<void> => {
    const answer = await action.run(() => call('webhooks.update', { id: webhook.id, changes: { active: true } }))
    if (answer.ok) setNotice(`Enabled ${webhook.name} again.`)
  }
  const shown = webhooks.find((webhook) => webhook.id === open)

  return (
    <section className="settings-section" aria-labelledby="webhooks-title">
      <h2 id="webhooks-title">Webhooks</h2>
      <p className="hint">
        Vigil posts its events (a server down or back, a collector failing, a watched table changed, a maintenance job ending, a scrape target
        down) as signed JSON to these URLs, with retries. After 10 failed deliveries in a row a webhook is disabled until enabled again.
      </p>
      {webhooks.length > 0 ? (
        <div className="table-wrap">
          <table className="data-table" aria-label="Webhooks">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">URL</th>
                <th scope="col">Events</th>
                <th scope="col">State</th>
                <ActionsHeader />
              </tr>
            </thead>
            <tbody>
              {webhooks.map((webhook) => (
                <tr key={webhook.id} aria-selected={webhook.id === open}>
                  <td>{webhook.name}</td>
                  <td>
                    <code>{webhook.url}</code>
                  </td>
                  <td>{webhook.events.join(', ')}</td>
                  <td>
                    {webhook.active ? 'Active' : <span title={webhook.disabled_reason ?? undefined}>Disabled</span>}
                    {webhook.queued > 0 ? ` · ${webhook.queued} queued` : ''}
                    {webhook.dropped > 0 ? ` · ${webhook.dropped} dropped (queue full)` : ''}
                  </td>
                  <td className="col-actions">
                    {can('webhooks.test') ? (
                      <button type="button" onClick={() => void test(webhook)} disabled={action.pending} aria-label={`Test ${webhook.name}`}>
                        Test
                      </button>
                    ) : null}
                    <button type="button" onClick={() => setOpen(webhook.id === open ? null : webhook.id)} aria-label={`Deliveries of ${webhook.name}`}>
                      Deliveries
                    </button>
                    {webhook.active || !can('webhooks.update') ? null : (
                      <button type="button" onClick={() => void enable(webhook)} aria-label={`Enable ${webhook.name}`}>
                        Enable
                      </button>
                    )}
                    {can('webhooks.delete') ? (
                      <button type="button" className="danger-text" onClick={() => setRemoving(webhook)} aria-label={`Delete ${webhook.name}`}>
                        Delete
                      </button>
                    ) : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : (
        <p className="hint">No webhooks yet.</p>
      )}
      {shown && !shown.active && shown.disabled_reason ? (
        <p className="form-error" role="alert">
          {shown.name}: {shown.disabled_reason}
        </p>
      ) : null}
      {shown ? (
        <>
          <h3>Deliveries to {shown.name}</h3>
          <WebhookDeliveries name={shown.name} deliveries={deliveries.data ?? []} />
        </>
      ) : null}
      <Notices error={action.error ?? list.error ?? deliveries.error} />
      {notice ? <p role="status">{notice}</p> : null}
      {can('webhooks.create') ? (
        <>
          <h3>Add a webhook</h3>
          <WebhookForm
            onCreated={(webhook) => {
              list.reload()
              setNotice(`Added ${webhook.name}.`)
            }}
          />
        </>
      ) : null}
      {removing ? (
        <RemoveDialog
          verb="Delete"
          name={removing.name}
          message={<p>Vigil stops sending events to {removing.url} and forgets its deliveries log.</p>}
          onConfirm={async () => {
            const answer = await action.run(() => call('webhooks.delete', { id: removing.id }))
            if (!answer.ok) return
            if (open === removing.id) setOpen(null)
            list.setData((current) => (current ?? []).filter((webhook) => webhook.id !== removing.id))
            setNotice(`Deleted ${removing.name}.`)
          }}
          onClose={() => setRemoving(null)}
        />
      ) : null}
    </section>
  )
}
