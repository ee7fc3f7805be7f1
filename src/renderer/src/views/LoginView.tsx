import { useState } from 'react'
import { Notices } from '../components/Notices'
import { useSession } from '../stores/session'
import { loginWithToken } from '../transport/http'

/** Only a browser sees this: Electron's IPC needs no login. */
export function LoginView() {
  const [token, setToken] = useState('')
  const [error, setError] = useState<string | null>(
    window.location.hash.includes('expired=1') ? 'That login link was already used or has expired.' : null
  )
  return (
    <main className="login">
      <form
        className="login-card"
        onSubmit={async (event) => {
          event.preventDefault()
          const result = await loginWithToken(token)
          if (!result.ok) return setError(result.message)
          window.location.hash = '#/overview'
          await useSession.getState().load()
        }}
      >
        <h1>Vigil</h1>
        <p>
          Open the one-time login link that <code>vigil serve</code> printed (<code>vigil login-url</code> prints a new
          one), or paste the API token.
        </p>
        <label className="field">
          <span className="field-label">API token</span>
          <input
            type="password"
            name="token"
            autoComplete="off"
            value={token}
            autoFocus
            onChange={(event) => setToken(event.target.value)}
          />
        </label>
        <Notices error={error} />
        <button type="submit" className="primary" disabled={!token.trim()}>
          Log in
        </button>
      </form>
    </main>
  )
}
