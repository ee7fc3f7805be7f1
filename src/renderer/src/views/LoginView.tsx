import { useState, type FormEvent } from 'react'
import { Notices } from '../components/Notices'
import { useSession } from '../stores/session'
import { loginWithPassword, loginWithToken, type LoginResult } from '../transport/http'

/**
 * Only a browser sees this: Electron's IPC needs no login. Users log in with their username and
 * password; the owner may paste the API token (or open the one-time login link instead).
 */
export function LoginView() {
  const [withToken, setWithToken] = useState(false)
  const [username, setUsername] = useState('')
  const [password, setPassword] = useState('')
  const [token, setToken] = useState('')
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(
    window.location.hash.includes('expired=1') ? 'That login link was already used or has expired.' : null
  )

  async function submit(event: FormEvent, login: () => Promise<LoginResult>): Promise<void> {
    event.preventDefault()
    setBusy(true)
    const result = await login()
    setBusy(false)
    if (!result.ok) return setError(result.message)
    window.location.hash = ''
    await useSession.getState().load()
  }

  return (
    <main className="login">
      {withToken ? (
        <form className="login-card" aria-label="Owner login" onSubmit={(event) => void submit(event, () => loginWithToken(token))}>
          <h1>Vigil</h1>
          <p>
            Owner: paste the API token, or open the one-time login link that <code>vigil serve</code> printed
            (<code>vigil login-url</code> prints a new one).
          </p>
          <label className="field">
            <span className="field-label">API token</span>
            <input type="password" name="token" autoComplete="off" value={token} autoFocus onChange={(event) => setToken(event.target.value)} />
          </label>
          <Notices error={error} />
          <button type="submit" className="primary" disabled={busy || !token.trim()}>
            Log in
          </button>
          <button type="button" className="login-switch" onClick={() => (setWithToken(false), setError(null))}>
            Use a username and password instead
          </button>
        </form>
      ) : (
        <form className="login-card" aria-label="Login" onSubmit={(event) => void submit(event, () => loginWithPassword(username, password))}>
          <h1>Vigil</h1>
          <label className="field">
            <span className="field-label">Username</span>
            <input name="username" autoComplete="username" value={username} autoFocus onChange={(event) => setUsername(event.target.value)} />
          </label>
          <label className="field">
            <span className="field-label">Password</span>
            <input type="password" name="password" autoComplete="current-password" value={password} onChange={(event) => setPassword(event.target.value)} />
          </label>
          <Notices error={error} />
          <button type="submit" className="primary" disabled={busy || !username.trim() || !password}>
            Log in
          </button>
          <button type="button" className="login-switch" onClick={() => (setWithToken(true), setError(null))}>
            Owner: paste the API token
          </button>
        </form>
      )}
    </main>
  )
}
