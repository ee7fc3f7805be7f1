import { isUtf8 } from 'node:buffer'
import { STATUS_CODES, type IncomingMessage } from 'node:http'
import cookie from '@fastify/cookie'
import websocket from '@fastify/websocket'
import { TypeBoxValidatorCompiler } from '@fastify/type-provider-typebox'
import Fastify, { type FastifyInstance, type FastifySchema, type FastifySchemaCompiler } from 'fastify'
import type { TSchema } from 'typebox'
import type { WebSocket } from 'ws'
import { AppError } from '../../shared/errors'
import type { EventBus } from '../base/bus'
import type { Handlers } from '../handlers'
import type { PrometheusFeature } from '../prometheus'
import { agentFace, type AgentDeps } from './agent'
import { registerDocs } from './docs'
import { areaOfRoute, errorHandlerOf, faceOf, notFoundHandlerOf, registerFace, type ApiFace } from './face'
import { accessOf, type Access, type RouteArea } from '../../shared/access'
import { platformFace, type PlatformDeps } from './platform'
import { primaryFace, type PrimaryDeps } from './primary'
import { openMetricsFace } from './openmetrics'
import type { SelfMetrics } from '../self-metrics'
import { prometheusFace } from './prometheus'
import { rpcFace } from './rpc'
import { webopsFace, type WebopsDeps } from './webops'
import { LiveSockets, type LivenessOptions } from './live-sockets'
import { loggerOptions, type LogOptions } from './logging'
import { installSecurity, setSecurityHeaders } from './security'
import { isStaticUiRequest, registerStaticUi } from './static-ui'

export const BODY_LIMIT_BYTES = 1 << 20

/** A registered route, as the route-walking tests and the audit of declared errors see it. */
export interface RouteEntry {
  method: string
  url: string
  face: string
  websocket: boolean
  schema: FastifySchema | undefined
  /** Who may call it (face.ts); known once the server is ready. */
  area: RouteArea
  /** Whether it reads or writes in its area: the method's, unless the route declares otherwise. */
  access: Access
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Every route registered, HEAD aside, in registration order. */
    routeTable: RouteEntry[]
    /** The WebSockets served, watched for liveness; send through it. */
    liveSockets: LiveSockets
  }
}

export interface ApiDeps extends PrimaryDeps {
  version: string
  allowedHosts: readonly string[]
  rendererDir: string | null
  vendorDir: string | null
  log: LogOptions
  /** Ping and slow-client limits (tests shorten them). */
  webSockets?: Partial<LivenessOptions>
  bus: EventBus
  handlers: Handlers
  agent: AgentDeps
  prometheus: PrometheusFeature
  platform: PlatformDeps
  /** Serve HTTPS with this certificate and key (PEM); absent or null: plain HTTP (the desktop app, on loopback). */
  tls?: { cert: string; key: string } | null
  webops: WebopsDeps
  /** Counts every answered request for GET /metrics. */
  selfMetrics: SelfMetrics
}

/**
 * Query strings and path parameters are converted and checked here; bodies are checked by
 * the services, which the IPC path shares, so a bad body gets the same message either way.
 */
const validatorCompiler: FastifySchemaCompiler<TSchema> = (route) =>
  route.httpPart === 'body' ? (value) => ({ value }) : TypeBoxValidatorCompiler(route)

export async function buildApi(deps: ApiDeps): Promise<FastifyInstance> {
  // The API's faces, one per spec, each with its own error format and authentication. The
  // first is the default: it also answers for the docs, the static UI and unknown paths.
  const faces: ApiFace[] = [
    primaryFace(deps),
    agentFace(deps.agent),
    rpcFace(deps.handlers, deps.bus),
    prometheusFace(deps.prometheus),
    platformFace(deps.platform),
    webopsFace(deps.webops),
    openMetricsFace(deps.prometheus.workspaces)
  ]
  const defaultFace = faces[0] as ApiFace
  const app = Fastify({
    // HTTPS and plain HTTP answer alike; only the scheme of the Origin the security hooks
    // accept changes (and the session cookie gets Secure).
    ...(deps.tls ? { https: { cert: deps.tls.cert, key: deps.tls.key, minVersion: 'TLSv1.2' as const } } : {}),
    logger: loggerOptions(deps.log),
    bodyLimit: BODY_LIMIT_BYTES,
    routerOptions: { ignoreTrailingSlash: true },
    forceCloseConnections: true,
    // Errors Fastify meets before routing (an undecodable URL such as /assets/%c0%ae) are
    // answered by the face that owns the path, in its format, like every other error.
    frameworkErrors: (error, request, reply) => {
      setSecurityHeaders(reply)
      void errorHandlerOf(faceOf(faces, request.url))(new AppError('bad_request', error.message), request, reply)
    },
    // A message that is not HTTP at all (a body without a length, a header too large): Node's
    // parser stops before there is a URL, so the default face answers, in its format.
    clientErrorHandler: (error: NodeJS.ErrnoException, socket) => {
      if (error.code === 'ECONNRESET' || socket.destroyed) return
      const [status, message] =
        error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
          ? [408, 'The request took too long to arrive']
          : error.code === 'HPE_HEADER_OVERFLOW'
            ? [431, 'The request headers are too large']
            : [400, 'The request is not valid HTTP']
      const body = JSON.stringify(defaultFace.errorBody(new AppError('bad_request', message)))
      if (socket.writable) {
        socket.write(
          `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/json; charset=utf-8\r\n` +
            `Content-Length: ${Buffer.byteLength(body)}\r\nX-Content-Type-Options: nosniff\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n${body}`
        )
      }
      socket.destroy()
    }
  })
  app.setValidatorCompiler(validatorCompiler)
  app.removeContentTypeParser('text/plain')
  // JSON is UTF-8 (RFC 8259). Fastify would decode other bytes to U+FFFD and parse on, storing
  // a password or a name that is not what was sent: refuse them instead.
  const parseJson = app.getDefaultJsonParser('error', 'error')
  app.removeContentTypeParser('application/json')
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (request, body, done) => {
    const bytes = body as Buffer
    // `curl -X POST -H 'Content-Type: application/json' …/test-connection/` and clients that set
    // the header on every request send no body at all: that is no body, not malformed JSON.
    if (bytes.length === 0) {
      done(null, undefined)
      return
    }
    if (!isUtf8(bytes)) {
      done(new AppError('validation', 'The request body must be valid JSON: it is not UTF-8'), undefined)
      return
    }
    parseJson(request, bytes.toString('utf8'), done)
  })
  const routeTable: RouteEntry[] = []
  app.decorate('routeTable', routeTable)
  // Every route's permission area, from the route or its face's table; a plugin may still set it
  // after this hook (the static UI's), so a route without one is refused once all are registered.
  const registered: Array<{ entry: Omit<RouteEntry, 'area' | 'access'>; config: () => { area?: RouteArea; access?: Access } | undefined }> = []
  app.addHook('onRoute', (route) => {
    const face = faceOf(faces, route.url)
    route.config = { ...route.config, area: areaOfRoute(face, route.url, route.config?.area) }
    for (const method of [route.method].flat()) {
      if (method === 'HEAD') continue
      registered.push({ entry: { method, url: route.url, face: face.name, websocket: route.websocket === true, schema: route.schema }, config: () => route.config })
    }
  })
  app.addHook('onReady', async () => {
    const missing: string[] = []
    for (const { entry, config } of registered) {
      const { area, access } = config() ?? {}
      if (area === undefined) missing.push(`${entry.method} ${entry.url}`)
      else routeTable.push({ ...entry, area, access: access ?? accessOf(entry.method) })
    }
    if (missing.length > 0) throw new Error(`Routes without a permission area (give the route config.area, or its face an area for the path): ${missing.join(', ')}`)
  })
  app.addHook('onResponse', async (request, reply) => {
    deps.selfMetrics.observeRequest(request.routeOptions.url ?? 'unmatched', request.method, reply.statusCode, reply.elapsedTime / 1000)
  })
  app.setErrorHandler(errorHandlerOf(defaultFace))
  // Unknown paths a face lists (platform's /api/sources/x/nope) answer in its format, the rest in the default's.
  app.setNotFoundHandler((request, reply) => notFoundHandlerOf(faceOf(faces, request.url))(request, reply))

  await app.register(cookie)
  await app.register(websocket, { options: { maxPayload: 64 * 1024 } })
  // Every WebSocket is pinged and kept from falling behind without bound (live-sockets.ts).
  const liveSockets = new LiveSockets(deps.webSockets ?? {}, app.log)
  app.decorate('liveSockets', liveSockets)
  app.websocketServer.on('connection', (socket: WebSocket, request: IncomingMessage) => liveSockets.watch(socket, request.url ?? ''))
  app.addHook('onClose', async () => liveSockets.close())
  installSecurity(app, {
    callers: deps.callers,
    scheme: deps.tls ? 'https' : 'http',
    allowedHosts: deps.allowedHosts,
    // A face with its own authentication (the agent's sessions, /api/v1's) tells who calls by
    // itself, on its unknown paths too, which it answers 404.
    isPublic: (request) =>
      request.routeOptions.config?.area === 'none' || isStaticUiRequest(request) || faceOf(faces, request.url).authenticate !== undefined
  })
  await registerDocs(app, deps.version, deps.vendorDir)
  for (const face of faces) await registerFace(app, face)
  if (deps.rendererDir) await registerStaticUi(app, deps.rendererDir)
  return app
}
