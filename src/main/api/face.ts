import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { AppError } from '../../shared/errors'
import { toAppError } from './errors'

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Reachable without Vigil's credential (the API token or a browser session). */
    public?: boolean
  }
}

/**
 * One face of the API: one spec's paths, with that spec's error envelope and its own way of
 * telling who is calling. Each face is a Fastify plugin, so its error and not-found handlers
 * are its own; server.ts lists the faces in one place.
 */
export interface ApiFace {
  /** For logs. */
  name: string
  /** The URL prefix the face owns; '' for the default face, which answers every other path. */
  prefix: string
  /**
   * For a face whose paths sit among the default face's (platform-api.md's /api/status,
   * /api/sources/…, /ws): the paths it owns, with prefix ''. An entry owns that path; one ending
   * in `/*` owns everything under it too.
   */
  paths?: readonly string[]
  /** The HTTP status and body of an error, in the face's own format. */
  errorStatus(error: AppError): number
  errorBody(error: AppError): unknown
  /**
   * How the face writes an error body when its spec writes JSON its own way (Prometheus escapes
   * `<`, `>` and `&` as Go does); JSON.stringify as application/json; charset=utf-8 otherwise.
   */
  errorFormat?: { contentType: string; serialize(body: unknown): string }
  /**
   * The face's own authentication, run before its handlers (after the body is parsed). Without
   * it the face's routes need Vigil's credential, checked for every request in security.ts.
   */
  authenticate?: (request: FastifyRequest) => Promise<void> | void
  routes(scope: FastifyInstance): Promise<void> | void
}

/**
 * Answers an error in the face's format; internal errors are logged, never shown. The body is
 * serialised as it is, not through the route's response schema for that status: a route may
 * declare its own 400 (a failed connection test) while a malformed body gets the face's error,
 * and an error must never turn into a serialisation failure. Error bodies carry only what the
 * face builds from the error, never stored data, so there is nothing for a schema to filter.
 */
export function errorHandlerOf(face: ApiFace) {
  return (error: unknown, request: FastifyRequest, reply: FastifyReply): FastifyReply => {
    const appError = toAppError(error, request)
    if (appError.code === 'internal') request.log.error({ err: error, face: face.name }, 'request failed')
    if (appError.retryAfterSeconds !== undefined) reply.header('Retry-After', String(Math.max(1, Math.ceil(appError.retryAfterSeconds))))
    return reply
      .code(face.errorStatus(appError))
      .type(face.errorFormat?.contentType ?? 'application/json; charset=utf-8')
      .serializer(face.errorFormat?.serialize ?? JSON.stringify)
      .send(face.errorBody(appError))
  }
}

/** The face that owns a URL: the longest prefix or listed path that matches, else the default (first) face. */
export function faceOf(faces: readonly ApiFace[], url: string): ApiFace {
  const raw = url.split('?')[0] ?? ''
  const path = raw.length > 1 && raw.endsWith('/') ? raw.slice(0, -1) : raw
  let owner = faces[0] as ApiFace
  let longest = 0
  const claim = (face: ApiFace, length: number): void => {
    if (length > longest) [owner, longest] = [face, length]
  }
  for (const face of faces) {
    if (face.prefix !== '' && (path === face.prefix || path.startsWith(`${face.prefix}/`))) claim(face, face.prefix.length)
    for (const owned of face.paths ?? []) {
      const base = owned.endsWith('/*') ? owned.slice(0, -2) : owned
      if (path === base || (owned.endsWith('/*') && path.startsWith(`${base}/`))) claim(face, base.length)
    }
  }
  return owner
}

export function notFoundHandlerOf(face: ApiFace) {
  const answer = errorHandlerOf(face)
  return (request: FastifyRequest, reply: FastifyReply): FastifyReply =>
    answer(new AppError('not_found', `No route for ${request.method} ${request.url.split('?')[0]}`), request, reply)
}

/**
 * The face as an encapsulated plugin under its prefix. A face with prefix '' (the default face)
 * leaves not-found answers to the root, which server.ts gives the default face's format.
 */
export async function registerFace(app: FastifyInstance, face: ApiFace): Promise<void> {
  await app.register(
    async (scope) => {
      scope.setErrorHandler(errorHandlerOf(face))
      if (face.prefix !== '') scope.setNotFoundHandler(notFoundHandlerOf(face))
      const authenticate = face.authenticate
      if (authenticate) {
        scope.addHook('onRoute', (options) => {
          options.config = { ...options.config, public: true }
        })
        scope.addHook('preHandler', async (request) => authenticate(request))
      }
      await face.routes(scope)
    },
    { prefix: face.prefix }
  )
}
