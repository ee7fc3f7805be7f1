import type { FastifyInstance } from 'fastify'
import Type from 'typebox'
import { AppError } from '../../../shared/errors'
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
import type { ConnectionsService, ServersService } from '../../servers'
import { orPrimaryError, PrimaryErrorSchema as ErrorSchema } from './errors'

const IdParams = Type.Object({ server_id: Type.String({ description: 'UUID of the server' }) })
const tags = ['Servers']

/** "Server Management APIs" of servers-metrics-oracle-api.md. */
export function serverRoutes(app: FastifyInstance, servers: ServersService, connections: ConnectionsService): void {
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

  const HostKeySchema = Type.Object({ algorithm: Type.String(), fingerprint: Type.String(), pinned_at: Type.Optional(Type.String()) })

  app.post<{ Params: { server_id: string } }>(
    '/api/servers/:server_id/test-connection/',
    {
      schema: {
        tags,
        summary: 'Test the SSH connection to a server',
        description:
          'Connects for real (pinning the host key on first use), runs `uname -a` and disconnects. ' +
          'On failure `error` says why in plain words; `state` classifies it (auth_failed, host_key_mismatch, unreachable, error).',
        params: IdParams,
        response: {
          200: Type.Object({
            status: Type.Literal('success'),
            server_id: Type.String(),
            hostname: Type.String(),
            output: Type.String(),
            host_key: Type.Union([HostKeySchema, Type.Null()])
          }),
          400: orPrimaryError(
            Type.Object({
              status: Type.Literal('error'),
              server_id: Type.String(),
              hostname: Type.String(),
              error: Type.String(),
              state: Type.String(),
              presented_host_key: Type.Union([HostKeySchema, Type.Null()])
            })
          ),
          404: ErrorSchema
        }
      }
    },
    async (request, reply) => {
      const result = await connections.test(request.params.server_id)
      return reply.code(result.status === 'success' ? 200 : 400).send(result)
    }
  )

  app.get<{ Params: { server_id: string } }>(
    '/api/servers/:server_id/host-key/',
    {
      schema: {
        tags,
        summary: "The server's pinned SSH host key, and a different one it presented",
        params: IdParams,
        response: {
          200: Type.Object({ pinned: HostKeySchema, presented: Type.Union([HostKeySchema, Type.Null()]) }),
          404: ErrorSchema
        }
      }
    },
    async (request) => {
      const key = connections.hostKey(request.params.server_id)
      if (!key) throw new AppError('not_found', 'No host key is pinned for this server yet')
      return key
    }
  )

  app.post<{ Params: { server_id: string }; Body: { fingerprint?: string } }>(
    '/api/servers/:server_id/host-key/accept/',
    {
      schema: {
        tags,
        summary: 'Accept the changed host key a server presented',
        description: 'Send the fingerprint you checked; it must match the key presented. Collection restarts with the new pin.',
        params: IdParams,
        body: Type.Object({ fingerprint: Type.String() }),
        response: { 200: Type.Object({ status: Type.Literal('accepted'), host_key: HostKeySchema }), 400: ErrorSchema, 404: ErrorSchema }
      }
    },
    async (request) => {
      const fingerprint = (request.body as { fingerprint?: unknown } | undefined)?.fingerprint
      if (typeof fingerprint !== 'string' || fingerprint === '') {
        throw AppError.fromIssues([{ field: 'fingerprint', kind: 'required', message: "Missing required field: 'fingerprint'", rule: 'This field is required.' }])
      }
      return { status: 'accepted', host_key: connections.acceptPresentedHostKey(request.params.server_id, fingerprint) }
    }
  )
}
