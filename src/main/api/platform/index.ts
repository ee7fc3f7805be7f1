// platform-api.md, the platform face: Vigil's health and configuration, every collector as a
// source (details, sync, logs), import sources and their files (imports-routes.ts), the activity log and the `/ws` event stream, with the spec's
// error body `{"detail": "..."}`. Its paths sit among the primary API's (/api/…), which has none
// of the same (README, "Platform API"): the face lists the paths it owns. Vigil's credential,
// as on every face (the API token as a bearer, or a browser session; ?token= on /ws).
import type { FastifyInstance } from 'fastify'
import Type from 'typebox'
import type { WebSocket } from 'ws'
import { AppError } from '../../../shared/errors'
import {
  LogEntrySchema,
  LogsQuerySchema,
  MetabaseConfigSchema,
  PlatformConfigSchema,
  PlatformHealthSchema,
  PlatformStatusSchema,
  SourceDetailsSchema,
  SourceSchema,
  SyncStartedSchema,
  WatcherStatusSchema
} from '../../../shared/platform'
import type { EventBus } from '../../base/bus'
import { ModelRunRunning, type ModelsService } from '../../models'
import type { ImportsFeature } from '../../imports'
import { SyncRunning, type PlatformHealthService, type SourcesService } from '../../sources'
import { STATUS_OF } from '../errors'
import { importsRoutes } from './imports-routes'
import type { ApiFace } from '../face'
import { PlatformErrorSchema } from './errors'
import { modelRoutes } from './models-routes'

export interface PlatformDeps {
  sources: SourcesService
  health: PlatformHealthService
  models: ModelsService
  bus: EventBus
  /** Import sources: create, delete, upload, files (imports-routes.ts). */
  imports?: ImportsFeature
}

export { PlatformErrorSchema }

const SourceParams = Type.Object({ source_name: Type.String({ description: 'The source’s name, as GET /api/sources lists it' }) })
const tags = ['Platform']

export function platformFace(deps: PlatformDeps): ApiFace {
  return {
    name: 'platform',
    prefix: '',
    paths: ['/api/status', '/api/health/platform', '/api/watcher/status', '/api/config', '/api/metabase-config', '/api/sources/*', '/api/logs', '/api/dbt/*', '/ws'],
    // The spec's codes: 409 for a sync or model run already running, 502 when what Vigil depends on does not answer.
    errorStatus: (error: AppError) => (error instanceof SyncRunning || error instanceof ModelRunRunning ? 409 : error.code === 'unavailable' ? 502 : STATUS_OF[error.code]),
    // Its paths are Vigil's running itself; the activity log (and a source's log lines) is `logs`.
    areas: [
      ['/api', 'platform'],
      ['/ws', 'platform'],
      ['/api/logs', 'logs']
    ],
    errorBody: (error: AppError) => ({
      detail: error.issues?.length ? error.issues.map((issue) => (issue.field ? `${issue.field}: ${issue.message}` : issue.message)).join('; ') : error.message
    }),
    routes: async (scope) => {
      platformRoutes(scope, deps)
      if (deps.imports) await importsRoutes(scope, deps.imports, deps.sources)
    }
  }
}

function platformRoutes(app: FastifyInstance, { sources, health, models, bus }: PlatformDeps): void {
  app.get('/api/status', { schema: { tags, summary: 'Service health status', response: { 200: PlatformStatusSchema } } }, async () => health.status())
  app.get(
    '/api/health/platform',
    {
      schema: {
        tags,
        summary: 'Comprehensive platform health',
        description: 'Store size and tables, disk of the data directory, failing collectors (`sync_failures`), critical issues and warnings from real conditions.',
        response: { 200: PlatformHealthSchema }
      }
    },
    async () => health.health()
  )
  app.get('/api/watcher/status', { schema: { tags, summary: 'The import drop folder’s watcher: <dataDir>/drop/<source>/, debounced', response: { 200: WatcherStatusSchema } } }, async () => health.watcher())
  app.get('/api/config', { schema: { tags, summary: 'Configuration and service URLs', response: { 200: PlatformConfigSchema } } }, async () => health.config())
  app.get(
    '/api/metabase-config',
    { schema: { tags, summary: 'Metabase configuration (Vigil has none: its charts are built in)', response: { 200: MetabaseConfigSchema } } },
    async () => health.metabaseConfig()
  )

  app.get(
    '/api/sources',
    { schema: { tags, summary: 'List every source: each collector (server, PostgreSQL instance, watched table)', response: { 200: Type.Array(SourceSchema) } } },
    async () => sources.list()
  )
  app.get<{ Params: { source_name: string } }>(
    '/api/sources/:source_name/details',
    { schema: { tags, summary: 'A source’s configuration (no secrets), run history, rows and tables', params: SourceParams, response: { 200: SourceDetailsSchema, 404: PlatformErrorSchema } } },
    async (request) => sources.details(request.params.source_name)
  )
  app.post<{ Params: { source_name: string }; Body: unknown }>(
    '/api/sources/:source_name/sync',
    {
      schema: {
        tags,
        summary: 'Collect now',
        description:
          'Starts a full collection of the source and answers at once; the outcome arrives on /ws (`sync_completed` or `sync_failed`), in the logs and the history. ' +
          'The body (`full_refresh`, `start_date`, `end_date`) is accepted; a collector always collects everything it collects. 409 while a sync of the source runs.',
        params: SourceParams,
        response: { 200: SyncStartedSchema, 400: PlatformErrorSchema, 404: PlatformErrorSchema, 409: PlatformErrorSchema }
      }
    },
    async (request) => {
      checkSyncBody(request.body)
      return sources.sync(request.params.source_name)
    }
  )
  app.get<{ Params: { source_name: string }; Querystring: { limit?: number } }>(
    '/api/sources/:source_name/logs',
    {
      config: { area: 'logs' },
      schema: {
        tags,
        summary: 'The collector’s own log lines, oldest first (the last `limit`, default 100)',
        params: SourceParams,
        querystring: LogsQuerySchema,
        response: { 200: Type.Array(LogEntrySchema), 400: PlatformErrorSchema, 404: PlatformErrorSchema }
      }
    },
    async (request) => sources.logs(request.params.source_name, request.query.limit)
  )
  app.get<{ Querystring: { limit?: number } }>(
    '/api/logs',
    {
      schema: {
        tags,
        summary: 'Activity log: collector events, Vigil’s own, and the audit trail, oldest first (the last `limit`, default 1000)',
        querystring: LogsQuerySchema,
        response: { 200: Type.Array(LogEntrySchema), 400: PlatformErrorSchema }
      }
    },
    async (request) => sources.activity(request.query.limit)
  )

  modelRoutes(app, models)

  // /ws: every platform event to every client, serialised once.
  const sockets = new Set<WebSocket>()
  const unsubscribe = bus.subscribe('platform.event', (event) => {
    if (sockets.size === 0) return
    const text = JSON.stringify(event)
    for (const socket of sockets) app.liveSockets.send(socket, [text])
  })
  app.addHook('onClose', async () => unsubscribe())
  app.get('/ws', { websocket: true, schema: { hide: true } }, (socket) => {
    sockets.add(socket)
    const leave = (): void => {
      sockets.delete(socket)
    }
    socket.on('close', leave)
    socket.on('error', leave)
  })
}

/** The spec's body: optional, an object whose known fields have their types. */
function checkSyncBody(body: unknown): void {
  if (body === undefined || body === null) return
  if (typeof body !== 'object' || Array.isArray(body)) throw AppError.invalidField('body', 'must be a JSON object')
  const fields = body as Record<string, unknown>
  if (fields.full_refresh !== undefined && typeof fields.full_refresh !== 'boolean') throw AppError.invalidField('full_refresh', 'must be true or false')
  for (const field of ['start_date', 'end_date']) {
    const value = fields[field]
    if (value !== undefined && value !== null && typeof value !== 'string') throw AppError.invalidField(field, 'must be a date (YYYY-MM-DD) or null')
  }
}
