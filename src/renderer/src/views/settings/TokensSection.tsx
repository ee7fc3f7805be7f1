import { useState, type FormEvent } from 'react'
import type { CreatedToken, TokenInfo } from '../../../../shared/teams'
import { ActionsHeader } from '../../components/DataTable'
import { RemoveDialog } from '../../components/Dialog'
import { Notices } from '../../components/Notices'
import { useAction } from '../../hooks/use-action'
import { useLoad } from '../../hooks/use-load'
import { useSession } from '../../stores/session'
import { call } from '../../transport/client'

const DAY = 86_400
const when = (iso: string | null): string => (iso ? new Date(iso).toLocaleString() : 'never')

/**
 * API tokens (`vgl_…`): one's own — everyone's for an admin — with their areas, expiry and last
 * use, revocable; a user who logged in with their password makes new ones here (shown once).
 */
export function TokensSection() {
  const list = useLoad(() => call('tokens.list'), [])
  const action = useAction()
  const whoami = useSession((state) => state.whoami)
  const [name, setName] = useState('')
  const [days, setDays] = useState('30')
  const [created, setCreated] = useState<CreatedToken | null>(null)
  const [revoking, setRevoking] = useState<TokenInfo | null>(null)
  const tokens = list.data ?? []
  const mayCreate = whoami?.kind === 'session'

  const submit = async (event: FormEvent): Promise<void> => {
    event.preventDefault()
    const answer = await action.run(() => call('tokens.create', { name: name.trim() || undefined, expires_in: Math.round(Number(days) * DAY) }))
    if (!answer.ok) return
    setCreated(answer.value)
    setName('')
    list.reload()
  }

  return (
    <section className="settings-section" aria-labelledby="tokens-title">
      <h2 id="tokens-title">API tokens</h2>
      <p className="hint">
        Tokens for scripts and the <code>vigil</code> CLI, each limited to areas of its user’s; Vigil keeps only their hashes. The owner’s
        token (<code>vigil token</code>) is not listed.
      </p>
      {tokens.length > 0 ? (
        <div className="table-wrap">
          <table className="data-table">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">User</th>
                <th scope="col">May</th>
                <th scope="col">Expires</th>
                <th scope="col">Last used</th>
                <ActionsHeader />
              </tr>
            </thead>
            <tbody>
              {tokens.map((token) => (
                <tr key={token.id}>
                  <td>{token.name}</td>
                  <td>{token.username}</td>
                  <td>{token.permissions.join(', ') || 'nothing'}</td>
                  <td>{when(token.expires_at)}</td>
                  <td>{when(token.last_used_at)}</td>
                  <td className="col-actions">
                    <button type="button" className="danger-text" onClick={() => setRevoking(token)} aria-label={`Revoke ${token.name}`}>
                      Revoke
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : (
        <p className="hint">No tokens.</p>
      )}
      {mayCreate ? (
        <form className="toolbar" onSubmit={(event) => void submit(event)}>
          <input aria-label="Token name" placeholder="Name (e.g. My CLI Token)" maxLength={100} value={name} onChange={(event) => setName(event.target.value)} />
          <label>
            Expires in{' '}
            <input aria-label="Days until it expires" type="number" min={1} max={90} value={days} onChange={(event) => setDays(event.target.value)} required /> days
          </label>
          <button type="submit" className="primary" disabled={action.pending}>
            Make a token
          </button>
        </form>
      ) : (
        <p className="hint">Tokens belong to users: log in with a username and password to make one (or run <code>vigil auth login</code>).</p>
      )}
      {created ? (
        <p role="status" className="token-once">
          Your new token, shown this once: <code>{created.token}</code> (may: {created.permissions.join(', ') || 'nothing'}; expires {when(created.expires_at)})
        </p>
      ) : null}
      <Notices error={action.error ?? list.error} />
      {revoking ? (
        <RemoveDialog
          verb="Revoke"
          name={revoking.name}
          message={<p>Scripts using it get 401 from the next request on.</p>}
          onConfirm={async () => {
            const answer = await action.run(() => call('tokens.revoke', { id: revoking.id }))
            if (answer.ok) list.setData(answer.value)
          }}
          onClose={() => setRevoking(null)}
        />
      ) : null}
    </section>
  )
}
