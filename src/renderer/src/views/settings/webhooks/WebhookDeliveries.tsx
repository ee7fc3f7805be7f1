import type { WebhookDelivery } from '../../../../../shared/webhooks'

/** The deliveries log: one row per attempt, newest first, as GET /api/v1/webhooks/{id}/deliveries/ has it. */
export function WebhookDeliveries({ name, deliveries }: { name: string; deliveries: WebhookDelivery[] }) {
  if (deliveries.length === 0) return <p className="hint">No deliveries to {name} yet.</p>
  return (
    <div className="table-wrap">
      <table className="data-table" aria-label={`Deliveries to ${name}`}>
        <thead>
          <tr>
            <th scope="col">At</th>
            <th scope="col">Event</th>
            <th scope="col">Attempt</th>
            <th scope="col">Result</th>
            <th scope="col">Response time</th>
          </tr>
        </thead>
        <tbody>
          {deliveries.map((delivery) => (
            <tr key={delivery.id} data-success={delivery.success}>
              <td>{new Date(delivery.at).toLocaleString()}</td>
              <td>
                <code>{delivery.event}</code>
              </td>
              <td>{delivery.attempt}</td>
              <td>{delivery.success ? `${delivery.status_code ?? ''} OK` : (delivery.error ?? `HTTP ${delivery.status_code ?? '?'}`)}</td>
              <td>{delivery.response_time_ms.toLocaleString()} ms</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  )
}
