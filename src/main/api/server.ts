import cookie from '@fastify/cookie'
import websocket from '@fastify/websocket'
import { TypeBoxValidatorCompiler } from '@fastify/type-provider-typebox'
import Fastify, { type FastifyInstance, type FastifySchemaCompiler } from 'fastify'
import type { TSchema } from 'typebox'
import type { EventBus } from '../base/bus'
import type { Authenticator } from '../base/security/browser-auth'
import type { Handlers } from '../handlers'
import { agentFace, type AgentDeps } from './agent'
import { registerDocs } from './docs'
import { errorHandlerOf, notFoundHandlerOf, registerFace, type ApiFace } from './face'
import { primaryFace, type PrimaryDeps } from './primary'
import { rpcFace } from './rpc'
import { installSecurity } from './security'
import { isStaticUiRequest, registerStaticUi } from './static-ui'

export const BODY_LIMIT_BYTES = 1 << 20

export interface ApiDeps extends PrimaryDeps {
  version: string
  allowedHosts: readonly string[]
  rendererDir: string | null
  vendorDir: string | null
  logRequests: boolean
  auth: Authenticator
  bus: EventBus
  handlers: Handlers
  agent: AgentDeps
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
  // The API's faces, one per spec, each with its own error format and authentication. The
  // first is the default: it also answers for the docs, the static UI and unknown paths.
  const faces: ApiFace[] = [primaryFace(deps), agentFace(deps.agent), rpcFace(deps.handlers, deps.bus)]
  const defaultFace = faces[0] as ApiFace
  app.setErrorHandler(errorHandlerOf(defaultFace))
  app.setNotFoundHandler(notFoundHandlerOf(defaultFace))

  await app.register(cookie)
  await app.register(websocket, { options: { maxPayload: 64 * 1024 } })
  installSecurity(app, {
    auth: deps.auth,
    allowedHosts: deps.allowedHosts,
    isPublic: (request) => request.routeOptions.config?.public === true || isStaticUiRequest(request)
  })
  await registerDocs(app, deps.version, deps.vendorDir)
  for (const face of faces) await registerFace(app, face)
  if (deps.rendererDir) await registerStaticUi(app, deps.rendererDir)
  return app
}
