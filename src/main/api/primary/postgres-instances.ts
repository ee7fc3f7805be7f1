// PostgreSQL instances, in the style of "Oracle Monitoring APIs → 1. Oracle Databases" of
// servers-metrics-oracle-api.md (a REST resource router), so a script written for one reads the other:
//
// - List: GET on the collection answers a bare JSON array (not the servers' paginated page),
//   filtered by `server_id` as Oracle's is; `is_active` and `search` are Vigil's additions.
// - Create: POST on the collection itself (not a `/create/` path), 201 with the instance object.
//   The Oracle section shows no create answer; its list and detail items are bare objects, so
//   create, get and update answer the bare object, without the servers' {status, server} wrapper.
// - Delete: 204 with no body.
// - Test: POST {id}/test_connection/ (underscore, as Oracle's) answers Oracle's body
//   {success, message, connection_time (seconds), database_version} plus Vigil's report
//   (status, server_version, server_version_num, in_recovery, connection_time_ms, checked_at).
//   On failure: 400 with success false, as "Test Server Connection" in the same spec does.
// - Errors: the spec's "Error Handling" bodies, {error, timestamp} and for validation
//   {error: "Validation error", details: {field: [rule]}} (errors.ts).
import type { FastifyInstance } from 'fastify'
import Type from 'typebox'
import {
  PostgresInstanceCreateSchema,
  PostgresInstanceListQuerySchema,
  PostgresInstanceSchema,
  PostgresInstanceUpdateSchema,
  PostgresTestFailureSchema,
  PostgresTestSuccessSchema,
  type PostgresInstanceCreate,
  type PostgresInstanceListQuery,
  type PostgresInstanceUpdate
} from '../../../shared/postgres-instances'
import type { PostgresInstancesService } from '../../postgres'
import { orPrimaryError, PrimaryErrorSchema } from './errors'

const IdParams = Type.Object({ id: Type.String({ description: 'Integer ID of the instance' }) })
const tags = ['PostgreSQL instances']
const BASE = '/api/postgres-instances/'

const TestSuccessBody = Type.Object({
  success: Type.Literal(true),
  message: Type.String(),
  connection_time: Type.Number({ description: 'Seconds, as the Oracle test answers' }),
  database_version: Type.String(),
  ...PostgresTestSuccessSchema.properties
})
const TestFailureBody = Type.Object({
  success: Type.Literal(false),
  message: Type.String(),
  ...PostgresTestFailureSchema.properties
})

export function postgresInstanceRoutes(app: FastifyInstance, instances: PostgresInstancesService): void {
  app.get<{ Querystring: PostgresInstanceListQuery }>(
    BASE,
    {
      schema: {
        tags,
        summary: 'List PostgreSQL instances',
        querystring: PostgresInstanceListQuerySchema,
        response: { 200: Type.Array(PostgresInstanceSchema), 400: PrimaryErrorSchema }
      }
    },
    async (request) => instances.list(request.query)
  )

  app.post<{ Body: PostgresInstanceCreate }>(
    BASE,
    {
      schema: {
        tags,
        summary: 'Register a PostgreSQL instance',
        description: '`password` is write-only: stored encrypted, never returned (`password_set` says whether one is stored).',
        body: PostgresInstanceCreateSchema,
        response: { 201: PostgresInstanceSchema, 400: PrimaryErrorSchema }
      }
    },
    async (request, reply) => reply.code(201).send(await instances.create(request.body))
  )

  app.get<{ Params: { id: string } }>(
    `${BASE}:id/`,
    { schema: { tags, summary: 'Get a PostgreSQL instance', params: IdParams, response: { 200: PostgresInstanceSchema, 404: PrimaryErrorSchema } } },
    async (request) => instances.get(request.params.id)
  )

  app.put<{ Params: { id: string }; Body: PostgresInstanceUpdate }>(
    `${BASE}:id/`,
    {
      schema: {
        tags,
        summary: 'Update a PostgreSQL instance',
        description:
          'Only the fields sent change; read-only fields sent back from a GET are ignored. An empty `password` clears the stored one. ' +
          'Changing host, port, username, password or maintenance_db clears the last test results.',
        params: IdParams,
        body: PostgresInstanceUpdateSchema,
        response: { 200: PostgresInstanceSchema, 400: PrimaryErrorSchema, 404: PrimaryErrorSchema }
      }
    },
    async (request) => instances.update(request.params.id, request.body)
  )

  app.delete<{ Params: { id: string } }>(
    `${BASE}:id/`,
    {
      schema: {
        tags,
        summary: 'Delete a PostgreSQL instance',
        description: 'Answers 204 with no body; open sessions to the instance are closed.',
        params: IdParams,
        response: { 204: Type.Null(), 404: PrimaryErrorSchema }
      }
    },
    async (request, reply) => {
      instances.delete(request.params.id)
      return reply.code(204).send()
    }
  )

  app.post<{ Params: { id: string } }>(
    `${BASE}:id/test_connection/`,
    {
      schema: {
        tags,
        summary: 'Test the connection to a PostgreSQL instance',
        description:
          "Opens a new session, runs `SELECT version(), current_setting('server_version_num')::int, pg_is_in_recovery()` " +
          'and records the outcome as the instance\'s last check. On failure `message` says why in plain words and `code` ' +
          'classifies it (auth_failed, unreachable, timeout, insufficient_privilege, database_missing, server_unavailable, error).',
        params: IdParams,
        response: { 200: TestSuccessBody, 400: orPrimaryError(TestFailureBody), 404: PrimaryErrorSchema }
      }
    },
    async (request, reply) => {
      const result = await instances.test(request.params.id)
      if (result.status === 'success') {
        return reply.code(200).send({
          success: true,
          message: 'Connection successful',
          connection_time: result.connection_time_ms / 1000,
          database_version: result.server_version,
          ...result
        })
      }
      return reply.code(400).send({ success: false, message: result.error, ...result })
    }
  )
}
