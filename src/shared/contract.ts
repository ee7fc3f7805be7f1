import type { ConnectionTestResult, HostKeyInfo, HostKeyStatus } from './connections'
import type { ErrorBody } from './errors'
import type {
  OverviewAnswer,
  OverviewQuery,
  ProcessHistory,
  ProcessHistoryQuery,
  SeriesAnswer,
  SeriesQuery,
  TopProcesses,
  TopProcessesQuery
} from './metric-series'
import type { MetricName } from './metrics'
import type {
  PostgresInstance,
  PostgresInstanceCreate,
  PostgresInstanceListQuery,
  PostgresInstanceUpdate,
  PostgresTestResult
} from './postgres-instances'
import type {
  BulkStatus,
  CollectionState,
  BulkStatusResult,
  Server,
  ServerCreate,
  ServerListPage,
  ServerListQuery,
  ServerUpdate
} from './servers'

/** What the UI may learn about the running core. Never includes the token itself. */
/** One of Vigil's users (who may log in to the PostgreSQL agent API); never the password. */
export interface UserInfo {
  username: string
  created_at: string
  updated_at: string
}

export interface AppInfo {
  version: string
  dataDir: string
  apiUrl: string | null
  tokenFile: string
  startedAt: string
}

/**
 * The renderer's one contract with the core. Electron carries it over IPC (preload's
 * `invoke`), a browser over HTTP (`POST /rpc/{channel}`); both reach the same handler map.
 */
export interface Contract {
  'app.info': { req: void; res: AppInfo }
  'servers.list': { req: ServerListQuery; res: ServerListPage }
  'servers.get': { req: { id: string }; res: Server }
  'servers.create': { req: ServerCreate; res: Server }
  'servers.update': { req: { id: string; changes: ServerUpdate }; res: Server }
  'servers.delete': { req: { id: string }; res: { id: string } }
  'servers.bulkStatus': { req: BulkStatus; res: BulkStatusResult }
  'servers.testConnection': { req: { id: string }; res: ConnectionTestResult }
  'servers.hostKey': { req: { id: string }; res: HostKeyStatus | null }
  'servers.acceptHostKey': { req: { id: string; fingerprint: string }; res: HostKeyInfo }
  'metrics.series': { req: SeriesQuery; res: SeriesAnswer }
  'metrics.overview': { req: OverviewQuery; res: OverviewAnswer }
  'metrics.topProcesses': { req: TopProcessesQuery; res: TopProcesses }
  'metrics.processHistory': { req: ProcessHistoryQuery; res: ProcessHistory }
  'users.list': { req: void; res: UserInfo[] }
  'users.add': { req: { username: string; password: string }; res: UserInfo[] }
  'users.setPassword': { req: { username: string; password: string }; res: UserInfo[] }
  'users.remove': { req: { username: string }; res: UserInfo[] }
  'postgres.list': { req: PostgresInstanceListQuery; res: PostgresInstance[] }
  'postgres.get': { req: { id: number }; res: PostgresInstance }
  'postgres.create': { req: PostgresInstanceCreate; res: PostgresInstance }
  'postgres.update': { req: { id: number; changes: PostgresInstanceUpdate }; res: PostgresInstance }
  'postgres.delete': { req: { id: number }; res: { id: number } }
  'postgres.test': { req: { id: number }; res: PostgresTestResult }
}

export type Channel = keyof Contract
export type Req<C extends Channel> = Contract[C]['req']
export type Res<C extends Channel> = Contract[C]['res']

export const CHANNELS: readonly Channel[] = Object.freeze([
  'app.info',
  'servers.list',
  'servers.get',
  'servers.create',
  'servers.update',
  'servers.delete',
  'servers.bulkStatus',
  'servers.testConnection',
  'servers.hostKey',
  'servers.acceptHostKey',
  'metrics.series',
  'metrics.overview',
  'metrics.topProcesses',
  'metrics.processHistory',
  'users.list',
  'users.add',
  'users.setPassword',
  'users.remove',
  'postgres.list',
  'postgres.get',
  'postgres.create',
  'postgres.update',
  'postgres.delete',
  'postgres.test'
] satisfies Channel[])

/** One stored metric row as pushed live: its id, and the spec's fields under `values`. */
export interface LiveSample {
  id: number
  values: Record<string, string | number | null>
}

/** Events the core pushes to subscribers. */
export interface Topics {
  'servers.changed': { ids: string[] }
  /** A collector's state changed (connecting, collecting, unreachable, …). */
  'servers.state': { id: string; state: CollectionState; error: string | null; since: string }
  /** Rows just stored for one metric of one server, all taken at `timestamp`. */
  'metrics.samples': { metric: MetricName; serverId: string; timestamp: string; samples: LiveSample[] }
  /** PostgreSQL instances created, changed, deleted or tested. */
  'postgres.changed': { ids: number[] }
  /** An action landed in the audit trail (login, kill, reload, ALTER SYSTEM, maintenance). */
  'audit.recorded': { instanceId: number | null; username: string; message: string; date: string }
}
export type Topic = keyof Topics
export const TOPICS: readonly Topic[] = Object.freeze([
  'servers.changed',
  'servers.state',
  'metrics.samples',
  'postgres.changed',
  'audit.recorded'
] satisfies Topic[])

export function isChannel(value: unknown): value is Channel {
  return typeof value === 'string' && (CHANNELS as readonly string[]).includes(value)
}

export function isTopic(value: unknown): value is Topic {
  return typeof value === 'string' && (TOPICS as readonly string[]).includes(value)
}

/** The envelope every invoke answers with, so errors survive IPC's structured clone. */
export type Outcome<T> = { ok: true; value: T } | { ok: false; error: ErrorBody }

/** What the preload exposes as `window.vigil`, and what the browser transport mimics. */
export interface VigilBridge {
  invoke<C extends Channel>(channel: C, req: Req<C>): Promise<Outcome<Res<C>>>
  subscribe<T extends Topic>(topic: T, listener: (payload: Topics[T]) => void): () => void
}
