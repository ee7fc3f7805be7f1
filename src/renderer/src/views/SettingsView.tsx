import { useCan, useSession } from '../stores/session'
import { useTheme, type ThemePreference } from '../stores/theme'
import { OwnerTokenRotation } from './settings/OwnerTokenRotation'
import { RemoteWriteSection } from './settings/RemoteWriteSection'
import { TokensSection } from './settings/TokensSection'
import { UsersSection } from './settings/UsersSection'
import { WebhooksSection } from './settings/WebhooksSection'

export function SettingsView() {
  const info = useSession((state) => state.info)
  const theme = useTheme()
  const can = useCan()
  if (!info) return null
  return (
    <section className="view" aria-labelledby="settings-title">
      <header className="view-header">
        <h1 id="settings-title">Settings</h1>
      </header>
      <dl className="facts">
        <dt>Version</dt>
        <dd>{info.version}</dd>
        <dt>Data directory</dt>
        <dd className="mono">{info.dataDir}</dd>
        <dt>Local API</dt>
        <dd className="mono">{info.apiUrl ?? 'not listening'}</dd>
        <dt>API token file</dt>
        <dd className="mono">{info.tokenFile}</dd>
        <dt>API documentation</dt>
        <dd>
          {info.apiUrl ? (
            <>
              <a href={`${info.apiUrl}/api/docs`} target="_blank" rel="noreferrer">
                Swagger UI
              </a>{' '}
              ·{' '}
              <a href={`${info.apiUrl}/api/redoc`} target="_blank" rel="noreferrer">
                ReDoc
              </a>
            </>
          ) : (
            '—'
          )}
        </dd>
        <dt>Project id (OpenMetrics workspace API)</dt>
        <dd className="mono">default</dd>
        <dt>Running since</dt>
        <dd>{new Date(info.startedAt).toLocaleString()}</dd>
        <dt>
          <label htmlFor="theme">Theme</label>
        </dt>
        <dd>
          <select id="theme" value={theme.preference} onChange={(event) => theme.setPreference(event.target.value as ThemePreference)}>
            <option value="system">Follow the system</option>
            <option value="light">Light</option>
            <option value="dark">Dark</option>
          </select>
        </dd>
      </dl>
      <p className="hint">
        Scripts authenticate with <code>Authorization: Bearer &lt;token&gt;</code>, the token being the content of the
        token file.
      </p>
      {can('auth.rotateOwnerToken') && <OwnerTokenRotation />}
      {can('users.list') && <UsersSection />}
      <TokensSection />
      {can('remoteWrite.status') && <RemoteWriteSection />}
      {can('webhooks.list') && <WebhooksSection />}
    </section>
  )
}
