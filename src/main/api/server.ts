import cookie from '@fastify/cookie'
import websocket from '@fastify/websocket'
import { TypeBoxValidatorCompiler } from '@fastify/type-provider-typebox'
import Fastify, { type FastifyInstance, type FastifySchemaCompiler } from 'fastify'
import type { TSchema } from 'typebox'
import { AppError } from '../../shared/errors'
import type { EventBus } from '../base/bus'
import type { Handlers } from '../handlers'
import type { Authenticator } from '../base/security/browser-auth'
import type { ConnectionsService } from '../servers/connections-service'
import type { MetricsService } from '../metrics/metrics-service'
import type { PostgresInstancesService } from '../postgres/instances-service'
import type { ServersService } from '../servers/servers-service'
import { errorBody, statusFor, toAppError } from './errors'
import { authRoutes } from './primary/browser-login'
import { registerDocs } from './docs'
import { healthRoutes } from './primary/health'
import { metricsRoutes } from './primary/metrics'
import { metricsWsRoutes } from './primary/metrics-ws'
import { oracleRoutes, type OracleRouteDeps } from './primary/oracle'
import { oracleWsRoutes } from './primary/oracle-ws'
import { pgAgentRoutes, type AgentDeps } from './agent'
import { postgresInstanceRoutes } from './primary/postgres-instances'
import { rpcRoutes } from './rpc/rpc-routes'
import { serverRoutes } from './primary/servers'
import { installSecurity } from './security'
import { isStaticUiRequest, registerStaticUi } from './static-ui'

export const BODY_LIMIT_BYTES = 1 << 20

export interface ApiDeps {
  version: string
  allowedHosts: readonly string[]
  rendererDir: string | null
  vendorDir: string | null
  logRequests: boolean
  auth: Authenticator
  bus: EventBus
  handlers: Handlers
  servers: ServersService
  metrics: MetricsService
  connections: ConnectionsService
  postgres: PostgresInstancesService
  agent: AgentDeps
  oracle: OracleRouteDeps
  pingDatabase: () => void
}

/**
 * Query strings and path parameters are converted and checked here; bodies are checked by
 * the services, which the IPC path shares, so a bad body gets the same message either way.
 */
const validatorCompiler: FastifySchemaCompiler<TSchema> = (route) =>
  route.httpPart === 'body' ? (value) => ({ value }) : TypeBoxValidatorCompiler(route)

export async function buildApi(deps: ApiDeps): Promise<FastifyInstance> {
  const app = Fastify({
    logger: deps.logRequests ? { level: 'info' } : false,
    bodyLimit: BODY_LIMIT_BYTES,
    routerOptions: { ignoreTrailingSlash: true },
    forceCloseConnections: true
  })
  app.setValidatorCompiler(validatorCompiler)
  app.removeContentTypeParser('text/plain')

  app.setErrorHandler((error, request, reply) => {
    const appError = toAppError(error, request)
    if (appError.code === 'internal') request.log.error({ err: error }, 'request failed')
    return reply.code(statusFor(appError, request)).send(errorBody(appError, request))
  })
  app.setNotFoundHandler((request, reply) => {
    const error = new AppError('not_found', `No route for ${request.method} ${request.url.split('?')[0]}`)
    return reply.code(404).send(errorBody(error, request))
  })

  await app.register(cookie)
  await app.register(websocket, { options: { maxPayload: 64 * 1024 } })
  installSecurity(app, {
    auth: deps.auth,
    allowedHosts: deps.allowedHosts,
    isPublic: (request) => request.routeOptions.config?.public === true || isStaticUiRequest(request)
  })
  await registerDocs(app, deps.version, deps.vendorDir)
  healthRoutes(app, deps.pingDatabase)
  serverRoutes(app, deps.servers, deps.connections)
  metricsRoutes(app, deps.metrics)
  metricsWsRoutes(app, deps.bus, deps.servers)
  postgresInstanceRoutes(app, deps.postgres)
  oracleRoutes(app, deps.oracle)
  oracleWsRoutes(app, deps.bus, deps.servers, (snapshotId, limit) => deps.oracle.data.rows(snapshotId, limit))
  pgAgentRoutes(app, deps.agent)
  authRoutes(app, deps.auth)
  rpcRoutes(app, deps.handlers, deps.bus)
  if (deps.rendererDir) await registerStaticUi(app, deps.rendererDir)
  return app
}
