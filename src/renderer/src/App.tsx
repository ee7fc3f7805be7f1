import { lazy, Suspense, useEffect, useSyncExternalStore, type ComponentType } from 'react'
import { UpgradeBanner } from './components/UpgradeBanner'
import { useSession } from './stores/session'
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

const NAV = [
  { path: '/overview', label: 'Overview' },
  { path: '/servers', label: 'Servers' },
  { path: '/oracle', label: 'Oracle' },
  { path: '/postgres', label: 'PostgreSQL' },
  { path: '/targets', label: 'Targets' },
  { path: '/explore', label: 'Explore' },
  { path: '/sources', label: 'Sources' },
  { path: '/models', label: 'Models' },
  { path: '/activity', label: 'Activity' },
  { path: '/imports', label: 'Imports' },
  { path: '/settings', label: 'Settings' }
] as const

// Hash routes work the same from file:// (Electron) and http:// (vigil serve).
function useRoute(): string {
  const hash = useSyncExternalStore(
    (notify) => {
      window.addEventListener('hashchange', notify)
      return () => window.removeEventListener('hashchange', notify)
    },
    () => window.location.hash
  )
  return hash.replace(/^#/, '').split('?')[0] || '/overview'
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

export function App() {
  const session = useSession()
  const route = useRoute()
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
  const active = NAV.find((item) => route.startsWith(item.path))?.path ?? '/overview'
  return (
    <div className="frame">
      <nav className="sidebar" aria-label="Main">
        <div className="brand">Vigil</div>
        <ul>
          {NAV.map((item) => (
            <li key={item.path}>
              <a href={`#${item.path}`} aria-current={active === item.path ? 'page' : undefined}>
                {item.label}
              </a>
            </li>
          ))}
        </ul>
      </nav>
      <main className="content">
        <UpgradeBanner />
        <Suspense fallback={<p className="hint">Loading…</p>}>
          <View route={route} />
        </Suspense>
      </main>
    </div>
  )
}
