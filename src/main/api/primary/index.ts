import type { AppError } from '../../../shared/errors'
import type { UpgradeStatus } from '../../../shared/upgrade'
import type { EventBus } from '../../base/bus'
import type { Authenticator } from '../../base/security/browser-auth'
import type { AuditTrail } from '../../audit'
import type { UsersService } from '../../users'
import type { Callers } from '../callers'
import type { MetricsService } from '../../metrics'
import type { PostgresInstancesService } from '../../postgres'
import type { RemoteWriter } from '../../prometheus'
import type { SelfMetrics } from '../../self-metrics'
import type { ConnectionsService, ServersService } from '../../servers'
import { STATUS_OF } from '../errors'
import type { ApiFace } from '../face'
import { authRoutes } from './browser-login'
import { primaryApiError } from './errors'
import { healthRoutes } from './health'
import { metricsRoutes } from './metrics'
import { metricsWsRoutes } from './metrics-ws'
import { oracleRoutes, type OracleRouteDeps } from './oracle'
import { oracleWsRoutes } from './oracle-ws'
import { postgresInstanceRoutes } from './postgres-instances'
import { remoteWriteRoutes } from './remote-write'
import { selfMetricsRoute } from './self-metrics'
import { serverRoutes } from './servers'

export interface PrimaryDeps {
  auth: Authenticator
  /** Who calls (browser logins count against the login limit here). */
  callers: Callers
  users: UsersService
  audit: AuditTrail
  bus: EventBus
  servers: ServersService
  connections: ConnectionsService
  metrics: MetricsService
  postgres: PostgresInstancesService
  oracle: OracleRouteDeps
  pingDatabase: () => void
  /** The data dir's upgrade at start, for the health answer. */
  upgradeStatus: () => UpgradeStatus
  remoteWrite: RemoteWriter
  selfMetrics: SelfMetrics
}

/**
 * servers-metrics-oracle-api.md — servers, metrics, Oracle table monitoring, health, their
 * WebSockets — plus the PostgreSQL registry and the browser login. The default face: its error
 * format also answers for paths no face owns.
 */
export function primaryFace(deps: PrimaryDeps): ApiFace {
  return {
    name: 'primary',
    prefix: '',
    errorStatus: (error: AppError) => STATUS_OF[error.code],
    errorBody: (error: AppError) => primaryApiError(error),
    areas: [
      ['/api/servers', 'servers'],
      ['/api/metrics', 'metrics'],
      ['/ws/metrics', 'metrics'],
      ['/api/postgres-instances', 'postgres'],
      ['/api/oracle', 'oracle'],
      ['/ws/oracle_updates_', 'oracle'],
      ['/api/remote-write', 'prometheus'],
      // Vigil's own health: its /metrics, the routing check.
      ['/metrics', 'monitoring'],
      ['/debug/', 'monitoring'],
      // The API's documentation, for anyone who may call it.
      ['/api/docs', 'any'],
      ['/api/redoc', 'any']
    ],
    routes(scope) {
      healthRoutes(scope, deps.pingDatabase, deps.upgradeStatus)
      serverRoutes(scope, deps.servers, deps.connections)
      metricsRoutes(scope, deps.metrics)
      metricsWsRoutes(scope, deps.bus, deps.servers)
      postgresInstanceRoutes(scope, deps.postgres)
      oracleRoutes(scope, deps.oracle)
      oracleWsRoutes(scope, deps.bus, deps.servers, (snapshotId, limit) => deps.oracle.data.rows(snapshotId, limit))
      authRoutes(scope, deps)
      remoteWriteRoutes(scope, deps.remoteWrite)
      selfMetricsRoute(scope, deps.selfMetrics)
    }
  }
}
