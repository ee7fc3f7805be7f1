import { useEffect } from 'react'
import { EmptyRow } from '../../components/DataTable'
import { Notices } from '../../components/Notices'
import { useLoad } from '../../hooks/use-load'
import { call, subscribe } from '../../transport/client'
import { parseAgentTime } from './format'

/** Every action taken on the instance (logins, kills, cancels, ALTER SYSTEM, restarts, maintenance jobs), newest first, live. */
export function TrailTab({ instanceId }: { instanceId: number }) {
  const { data: entries, error, setData } = useLoad(() => call('pg.notifications', { id: instanceId }), [instanceId])

  useEffect(
    () =>
      subscribe('audit.recorded', (event) => {
        if (event.instanceId !== instanceId && event.instanceId !== null) return
        setData((current) => [{ date: event.date, username: event.username, message: event.message }, ...(current ?? [])].slice(0, 200))
      }),
    [instanceId, setData]
  )

  return (
    <div className="pg-trail">
      <p className="hint">The last 200 actions on this instance, by whom (“ui” is this console; agent API users and “api-token” are scripts). Kept 400 days.</p>
      <Notices error={error} />
      <div className="table-wrap">
        <table className="data-table trail-table" aria-label="Trail">
          <thead>
            <tr>
              <th>When</th>
              <th>Who</th>
              <th>What</th>
            </tr>
          </thead>
          <tbody>
            {(entries ?? []).map((entry, index) => (
              <tr key={`${entry.date}-${index}-${entry.message}`}>
                <td className="nowrap">{new Date(parseAgentTime(entry.date) ?? 0).toLocaleString()}</td>
                <td>{entry.username}</td>
                <td className="mono trail-message">{entry.message}</td>
              </tr>
            ))}
            {entries && entries.length === 0 ? (
              <EmptyRow colSpan={3}>
                Nothing done on this instance yet.
              </EmptyRow>
            ) : null}
          </tbody>
        </table>
      </div>
    </div>
  )
}
