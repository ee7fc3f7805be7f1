import { useState, type FormEvent } from 'react'
import { ActionsHeader } from '../../components/DataTable'
import { RemoveDialog } from '../../components/Dialog'
import { Notices } from '../../components/Notices'
import { useAction } from '../../hooks/use-action'
import { useLoad } from '../../hooks/use-load'
import { call } from '../../transport/client'
import type { UserDto } from '../../../../shared/teams'
import { describePermissions, PermissionsEditor } from './users/PermissionsEditor'

/**
 * Vigil's users: who may log in (the UI, the PostgreSQL agent API) and mint API tokens, what each
 * may do, and whose name the actions' trail carries. The same as the Users API and `vigil users`.
 */
export function UsersSection() {
  const list = useLoad(() => call('users.list'), [])
  const users = list.data ?? []
  const action = useAction()
  const [username, setUsername] = useState('')
  const [password, setPassword] = useState('')
  const [changing, setChanging] = useState<string | null>(null)
  const [removing, setRemoving] = useState<string | null>(null)
  const [editing, setEditing] = useState<UserDto | null>(null)
  const [notice, setNotice] = useState<string | null>(null)
  const error = action.error ?? list.error

  const submit = async (event: FormEvent): Promise<void> => {
    event.preventDefault()
    const name = changing ?? username.trim()
    const answer = await action.run(() => (changing ? call('users.setPassword', { username: name, password }) : call('users.add', { username: name, password })))
    if (!answer.ok) return
    list.setData(answer.value)
    setNotice(changing ? `Changed the password of ${name}; their sessions ended.` : `Added ${name}.`)
    setUsername('')
    setPassword('')
    setChanging(null)
  }

  return (
    <section className="settings-section" aria-labelledby="users-title">
      <h2 id="users-title">Users</h2>
      <p className="hint">
        Who may log in — here, to the PostgreSQL agent API (<code>POST /pg/&#123;id&#125;/login</code>) — and make API tokens, and what
        each may do, area by area. A new user may use the PostgreSQL pages only until you give them more.
      </p>
      {users.length > 0 ? (
        <div className="table-wrap">
          <table className="data-table">
            <thead>
              <tr>
                <th scope="col">User</th>
                <th scope="col">May</th>
                <th scope="col">Since</th>
                <ActionsHeader />
              </tr>
            </thead>
            <tbody>
              {users.map((user) => (
                <tr key={user.username}>
                  <td>{user.username}</td>
                  <td>{describePermissions(user)}</td>
                  <td>{new Date(user.created_at).toLocaleDateString()}</td>
                  <td className="col-actions">
                    <button type="button" onClick={() => setEditing(user)} aria-label={`Permissions of ${user.username}`}>
                      Permissions
                    </button>
                    <button type="button" onClick={() => setChanging(user.username)}>
                      Change password
                    </button>
                    <button type="button" className="danger-text" onClick={() => setRemoving(user.username)} aria-label={`Remove ${user.username}`}>
                      Remove
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : (
        <p className="hint">No users yet.</p>
      )}
      {editing ? (
        <PermissionsEditor
          key={editing.id}
          user={editing}
          onCancel={() => setEditing(null)}
          onSave={async (changes) => {
            const answer = await action.run(() => call('users.update', { id: editing.id, changes }))
            if (!answer.ok) return
            list.setData(answer.value)
            setNotice(`Saved the permissions of ${editing.username}.`)
            setEditing(null)
          }}
        />
      ) : null}
      <form className="toolbar user-form" onSubmit={(event) => void submit(event)}>
        {changing ? (
          <span>
            New password for <strong>{changing}</strong>
          </span>
        ) : (
          <input aria-label="New user name" placeholder="User name" value={username} onChange={(event) => setUsername(event.target.value)} required />
        )}
        <input
          type="password"
          aria-label="Password"
          placeholder="Password (8 characters or more)"
          autoComplete="new-password"
          value={password}
          onChange={(event) => setPassword(event.target.value)}
          required
        />
        <button type="submit" className="primary">
          {changing ? 'Change password' : 'Add user'}
        </button>
        {changing ? (
          <button type="button" onClick={() => setChanging(null)}>
            Cancel
          </button>
        ) : null}
      </form>
      <Notices error={error} />
      {notice ? <p role="status">{notice}</p> : null}
      {removing ? (
        <RemoveDialog
          verb="Remove"
          name={removing}
          message={<p>{removing} can no longer log in to the agent API; their sessions end at once.</p>}
          onConfirm={async () => {
            const answer = await action.run(() => call('users.remove', { username: removing }))
            if (!answer.ok) return
            list.setData(answer.value)
            setNotice(`Removed ${removing}.`)
          }}
          onClose={() => setRemoving(null)}
        />
      ) : null}
    </section>
  )
}
