import type { FastifyInstance } from 'fastify'
import Type from 'typebox'
import {
  BulkStatusSchema,
  ServerCreateSchema,
  ServerListPageSchema,
  ServerListQuerySchema,
  ServerSchema,
  ServerUpdateSchema,
  SERVER_STATUSES,
  type BulkStatus,
  type ServerCreate,
  type ServerListQuery,
  type ServerUpdate
} from '../../../shared/servers'
import type { ServersService } from '../../services/servers'

/** The spec's error bodies ("Error Handling"); open, so spec extras such as `required_fields` pass. */
const ErrorSchema = Type.Object(
  {
    error: Type.String(),
    details: Type.Optional(Type.Record(Type.String(), Type.Array(Type.String()))),
    timestamp: Type.String({ format: 'date-time' }),
    required_fields: Type.Optional(Type.Array(Type.String())),
    unknown_ids: Type.Optional(Type.Array(Type.String()))
  },
  { additionalProperties: true }
)
const IdParams = Type.Object({ server_id: Type.String({ description: 'UUID of the server' }) })
const tags = ['Servers']

/** "Server Management APIs" of servers-metrics-oracle-api.md. */
export function serverRoutes(app: FastifyInstance, servers: ServersService): void {
  app.get<{ Querystring: ServerListQuery }>(
    '/api/servers/',
    {
      schema: {
        tags,
        summary: 'List servers',
        querystring: ServerListQuerySchema,
        response: { 200: ServerListPageSchema, 400: ErrorSchema }
      }
    },
    async (request) => servers.list(request.query)
  )

  app.post<{ Body: ServerCreate }>(
    '/api/servers/create/',
    {
      schema: {
        tags,
        summary: 'Create a server',
        description: '`ssh_password` and `ssh_key_passphrase` are write-only: stored encrypted, never returned.',
        body: ServerCreateSchema,
        response: {
          201: Type.Object({ status: Type.Literal('created'), server: ServerSchema }),
          400: ErrorSchema
        }
      }
    },
    async (request, reply) => reply.code(201).send({ status: 'created', server: servers.create(request.body) })
  )

  app.post<{ Body: BulkStatus }>(
    '/api/servers/bulk-status/',
    {
      schema: {
        tags,
        summary: 'Set the status of several servers',
        description: 'All or nothing: if any id is unknown, no server changes and the answer lists `unknown_ids`.',
        body: BulkStatusSchema,
        response: {
          200: Type.Object({
            status: Type.Literal('success'),
            updated_count: Type.Integer(),
            new_status: Type.Enum([...SERVER_STATUSES])
          }),
          400: ErrorSchema
        }
      }
    },
    async (request) => ({ status: 'success', ...servers.bulkStatus(request.body) })
  )

  app.get<{ Params: { server_id: string } }>(
    '/api/servers/:server_id/',
    { schema: { tags, summary: 'Get a server', params: IdParams, response: { 200: ServerSchema, 404: ErrorSchema } } },
    async (request) => servers.get(request.params.server_id)
  )

  app.put<{ Params: { server_id: string }; Body: ServerUpdate }>(
    '/api/servers/:server_id/',
    {
      schema: {
        tags,
        summary: 'Update a server',
        description: 'Only the fields sent change. An empty `ssh_password` clears the stored password.',
        params: IdParams,
        body: ServerUpdateSchema,
        response: { 200: Type.Object({ status: Type.Literal('updated'), server: ServerSchema }), 400: ErrorSchema, 404: ErrorSchema }
      }
    },
    async (request) => ({ status: 'updated', server: servers.update(request.params.server_id, request.body) })
  )

  app.delete<{ Params: { server_id: string } }>(
    '/api/servers/:server_id/',
    {
      schema: {
        tags,
        summary: 'Delete a server',
        description: 'Answers 204 with no body (HTTP does not allow one on 204).',
        params: IdParams,
        response: { 204: Type.Null(), 404: ErrorSchema }
      }
    },
    async (request, reply) => {
      servers.delete(request.params.server_id)
      return reply.code(204).send()
    }
  )
}
