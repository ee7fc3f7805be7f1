import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { accessOf, type Access, type RouteArea } from '../../shared/access'
import { AppError } from '../../shared/errors'
import { requirePermission, type Principal } from '../users'
import { toAppError } from './errors'

declare module 'fastify' {
  interface FastifyContextConfig {
    /**
     * Who may call the route: those holding this area (`area:read` for a read), `any` caller
     * with a credential, or `none` — anyone, no credential (health, logins). Given by the route,
     * or by its face's `areas` for its path; a route with neither fails to register.
     */
    area?: RouteArea
    /** Read or write when the method does not say it (a PromQL query sent as a form POST reads). */
    access?: Access
  }
  interface FastifyRequest {
    /** Who the request acts for, once authenticated (security.ts, or the face's own authenticate). */
    principal?: Principal
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
   * The permission areas of the face's paths: the longest prefix that matches a route's URL names
   * its area, unless the route names one itself.
   */
  areas: ReadonlyArray<readonly [prefix: string, area: RouteArea]>
  /**
   * The face's own authentication, setting `request.principal`; run before validation (after
   * the body is parsed) on every route but those of area `none`. Without it the face's routes
   * take Vigil's credentials, read for every request in security.ts.
   */
  authenticate?: (request: FastifyRequest, reply: FastifyReply) => Promise<void> | void
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

/** The area a route needs: its own, else its face's for the longest matching prefix; undefined when neither says. */
export function areaOfRoute(face: ApiFace, url: string, own: RouteArea | undefined): RouteArea | undefined {
  if (own !== undefined) return own
  let area: RouteArea | undefined
  let longest = -1
  for (const [prefix, candidate] of face.areas) {
    if ((url === prefix || url.startsWith(prefix)) && prefix.length > longest) [area, longest] = [candidate, prefix.length]
  }
  return area
}

/**
 * The permission check of every route: its area against the principal authentication found,
 * read for GET and write otherwise (or the route's declared access). Errors in the face's format.
 */
export function checkAccess(request: FastifyRequest): void {
  const { area, access } = request.routeOptions.config ?? {}
  if (area === undefined || area === 'none') return
  if (area !== 'any') requirePermission(callerOf(request), area, access ?? accessOf(request.method))
}

/** Who the request acts for: 401 if no authentication ran before (a route without an area never gets here). */
export function callerOf(request: FastifyRequest): Principal {
  if (!request.principal) throw new AppError('unauthorized', 'Authentication credentials were not provided.')
  return request.principal
}

/** The name the audit trail gives the caller (see Principal.actor). */
export function actorOf(request: FastifyRequest): string {
  return callerOf(request).actor
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
      // Before validation (and the routes' own checks), so that a caller without the permission
      // learns nothing of what the route would have said about their input.
      scope.addHook('preValidation', async (request, reply) => {
        if (authenticate && request.routeOptions.config?.area !== 'none') await authenticate(request, reply)
        checkAccess(request)
      })
      await face.routes(scope)
    },
    { prefix: face.prefix }
  )
}
