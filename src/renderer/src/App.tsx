import { lazy, Suspense, useEffect, useSyncExternalStore, type ComponentType } from 'react'
import type { Channel } from '../../shared/contract'
import { PageBoundary } from './components/PageBoundary'
import { UpgradeBanner } from './components/UpgradeBanner'
import { useCan, useSession } from './stores/session'
import { isDesktop } from './transport/client'
import { logout } from './transport/http'
import { LoginView } from './views/LoginView'
import { isPgTab } from './views/postgres/pg-tabs'

/** An area's view, in a chunk of its own loaded the first time the area is shown. */
function area<P extends object>(load: () => Promise<ComponentType<P>>) {
  return lazy(async () => ({ default: await load() }))
}

const OverviewView = area(() => import('./views/overview/OverviewView').then((m) => m.OverviewView))
const ServersView = area(() => import('./views/servers/ServersView').then((m) => m.ServersView))
const ServerDetailView = area(() => import('./views/detail/ServerDetailView').then((m) => m.ServerDetailView))
const OracleView = area(() => import('./views/oracle/OracleView').then((m) => m.OracleView))
const PostgresView = area(() => import('./views/postgres/PostgresView').then((m) => m.PostgresView))
const InstanceDetailView = area(() => import('./views/postgres/InstanceDetailView').then((m) => m.InstanceDetailView))
const ExploreView = area(() => import('./views/explore/ExploreView').then((m) => m.ExploreView))
const TargetsView = area(() => import('./views/targets/TargetsView').then((m) => m.TargetsView))
const SettingsView = area(() => import('./views/SettingsView').then((m) => m.SettingsView))
const SourcesView = area(() => import('./views/sources/SourcesView').then((m) => m.SourcesView))
const ModelsView = area(() => import('./views/models/ModelsView').then((m) => m.ModelsView))
const ActivityView = area(() => import('./views/activity/ActivityView').then((m) => m.ActivityView))
const ImportsView = area(() => import('./views/imports/ImportsView').then((m) => m.ImportsView))

/** The areas of the UI, each with the channels its page reads: without them, no page. */
const NAV: readonly { path: string; label: string; reads: readonly Channel[] }[] = [
  { path: '/overview', label: 'Overview', reads: ['servers.list', 'metrics.overview'] },
  { path: '/servers', label: 'Servers', reads: ['servers.list'] },
  { path: '/oracle', label: 'Oracle', reads: ['oracle.databases.list'] },
  { path: '/postgres', label: 'PostgreSQL', reads: ['postgres.list'] },
  { path: '/targets', label: 'Targets', reads: ['scrape.workspaces', 'scrape.servers'] },
  { path: '/explore', label: 'Explore', reads: ['prometheus.api'] },
  { path: '/sources', label: 'Sources', reads: ['sources.list'] },
  { path: '/models', label: 'Models', reads: ['models.list'] },
  { path: '/activity', label: 'Activity', reads: ['activity.list'] },
  { path: '/imports', label: 'Imports', reads: ['imports.list', 'sources.list'] },
  // Anyone may see Settings (version, theme); its sections are for those who may use them.
  { path: '/settings', label: 'Settings', reads: ['app.info'] }
]

// Hash routes work the same from file:// (Electron) and http:// (vigil serve).
function useRoute(): string {
  const hash = useSyncExternalStore(
    (notify) => {
      window.addEventListener('hashchange', notify)
      return () => window.removeEventListener('hashchange', notify)
    },
    () => window.location.hash
  )
  return hash.replace(/^#/, '').split('?')[0] ?? ''
}

function View({ route }: { route: string }) {
  const detail = /^\/servers\/([^/]+)$/.exec(route)
  if (detail) {
    const id = decodeURIComponent(detail[1] as string)
    return <ServerDetailView key={id} serverId={id} />
  }
  if (route === '/oracle' || route.startsWith('/oracle/')) return <OracleView route={route} />
  const instance = /^\/postgres\/(\d+)(?:\/([a-z]+))?$/.exec(route)
  if (instance) {
    const id = Number(instance[1])
    return <InstanceDetailView key={id} instanceId={id} tab={isPgTab(instance[2]) ? instance[2] : 'activity'} />
  }
  switch (route) {
    case '/postgres':
      return <PostgresView />
    case '/explore':
      return <ExploreView />
    case '/targets':
      return <TargetsView />
    case '/settings':
      return <SettingsView />
    case '/sources':
      return <SourcesView />
    case '/models':
      return <ModelsView />
    case '/activity':
      return <ActivityView />
    case '/imports':
      return <ImportsView />
    case '/servers':
      return <ServersView />
    default:
      return <OverviewView />
  }
}

function NoAccess() {
  return (
    <section className="view">
      <p className="hint" role="alert">
        You do not have access to this page.
      </p>
    </section>
  )
}

/** Who the UI acts for, and (in a browser) the way out. */
function Who() {
  const whoami = useSession((state) => state.whoami)
  if (!whoami) return null
  return (
    <div className="who" aria-label="Logged in as">
      <span className="who-name">{whoami.username ?? 'owner'}</span>
      {!isDesktop ? (
        <button
          type="button"
          onClick={async () => {
            await logout()
            await useSession.getState().load()
          }}
        >
          Log out
        </button>
      ) : null}
    </div>
  )
}

export function App() {
  const session = useSession()
  const can = useCan()
  const hashRoute = useRoute()
  useEffect(() => {
    void useSession.getState().load()
  }, [])

  if (session.status === 'loading') return <main className="splash">Connecting to Vigil…</main>
  if (session.status === 'login') return <LoginView />
  if (session.status === 'error') {
    return (
      <main className="splash" role="alert">
        <p>Vigil's core did not answer: {session.error}</p>
        <button type="button" onClick={() => void session.load()}>
          Try again
        </button>
      </main>
    )
  }
  const nav = NAV.filter((item) => item.reads.every(can))
  // No route (or an unknown one): the first page the caller may see, Overview for the owner.
  const known = NAV.find((item) => hashRoute.startsWith(item.path))
  const page = known ?? nav[0]
  const route = known ? hashRoute : (page?.path ?? '/settings')
  const allowed = page !== undefined && page.reads.every(can)
  return (
    <div className="frame">
      <nav className="sidebar" aria-label="Main">
        <div className="brand">Vigil</div>
        <ul>
          {nav.map((item) => (
            <li key={item.path}>
              <a href={`#${item.path}`} aria-current={page?.path === item.path ? 'page' : undefined}>
                {item.label}
              </a>
            </li>
          ))}
        </ul>
        <Who />
      </nav>
      <main className="content">
        <UpgradeBanner />
        {/* Keyed by area: going to another page starts afresh after a failure. */}
        <PageBoundary key={page?.path ?? route}>
          <Suspense fallback={<p className="hint">Loading…</p>}>
            {allowed ? <View route={route} /> : <NoAccess />}
          </Suspense>
        </PageBoundary>
      </main>
    </div>
  )
}
