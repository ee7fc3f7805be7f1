// platform-api.md "dbt Operations": the SQL models — the spec's list and run, and Vigil's
// extensions to keep them (PUT, DELETE, one model with its SQL) and read what they built
// (a page of rows, the whole as CSV). The service validates; these routes only shape answers.
import type { FastifyInstance } from 'fastify'
import Type from 'typebox'
import {
  ModelDeletedSchema,
  ModelDetailSchema,
  ModelInputSchema,
  ModelListSchema,
  ModelRowsQuerySchema,
  ModelRowsSchema,
  ModelRunQuerySchema,
  ModelRunStartedSchema
} from '../../../shared/models'
import type { ModelsService } from '../../models'
import { PlatformErrorSchema } from './errors'

const ModelParams = Type.Object({ model_name: Type.String({ description: 'The model’s name (its file models/NAME.sql)' }) })
type Params = { model_name: string }
const tags = ['Platform']
const errors = { 400: PlatformErrorSchema, 404: PlatformErrorSchema }

export function modelRoutes(app: FastifyInstance, models: ModelsService): void {
  app.get('/api/dbt/models', { schema: { tags, summary: 'List the SQL models', response: { 200: ModelListSchema } } }, async () => models.list())
  app.get<{ Params: Params }>(
    '/api/dbt/models/:model_name',
    { schema: { tags, summary: 'One model with its SQL and dependants (Vigil)', params: ModelParams, response: { 200: ModelDetailSchema, ...errors } } },
    async (request) => models.get(request.params.model_name)
  )
  app.put<{ Params: Params; Body: unknown }>(
    '/api/dbt/models/:model_name',
    {
      schema: {
        tags,
        summary: 'Create or replace a model (Vigil)',
        description:
          "Writes models/NAME.sql. `sql` is one SELECT; other models are named `{{ ref('name') }}`; Vigil's store is the `vigil` schema, imported CSV tables `imports`. " +
          'A bad name, SQL that is no SELECT, an unknown ref or a cycle answer 400.',
        params: ModelParams,
        body: ModelInputSchema,
        response: { 200: ModelDetailSchema, ...errors }
      }
    },
    async (request) => models.save(request.params.model_name, request.body)
  )
  app.delete<{ Params: Params }>(
    '/api/dbt/models/:model_name',
    { schema: { tags, summary: 'Delete a model, its view or table and its runs (Vigil)', params: ModelParams, response: { 200: ModelDeletedSchema, ...errors } } },
    async (request) => models.delete(request.params.model_name)
  )
  app.post<{ Params: Params; Querystring: { cascade?: boolean } }>(
    '/api/dbt/models/:model_name/run',
    {
      schema: {
        tags,
        summary: 'Run a model',
        description:
          'Builds the model and, with `cascade` (default true), every model downstream of it, in dependency order; models it needs that were never built are built first. ' +
          'Answers at once; each model’s outcome arrives on /ws (`dbt_run_started`, `dbt_run_completed`, `dbt_run_failed`) and in the logs. 409 while a run is under way.',
        params: ModelParams,
        querystring: ModelRunQuerySchema,
        response: { 200: ModelRunStartedSchema, 409: PlatformErrorSchema, ...errors }
      }
    },
    async (request) => models.run(request.params.model_name, request.query.cascade ?? true)
  )
  app.get<{ Params: Params; Querystring: { limit?: number; offset?: number } }>(
    '/api/dbt/models/:model_name/rows',
    {
      schema: {
        tags,
        summary: 'A page of the rows the model built (Vigil)',
        params: ModelParams,
        querystring: ModelRowsQuerySchema,
        response: { 200: ModelRowsSchema, ...errors }
      }
    },
    async (request) => models.rows(request.params.model_name, request.query.offset ?? 0, request.query.limit ?? 100)
  )
  app.get<{ Params: Params }>(
    '/api/dbt/models/:model_name/csv',
    { schema: { tags, summary: 'Every row the model built, as CSV (Vigil)', params: ModelParams, produces: ['text/csv'] } },
    async (request, reply) => {
      // A stream: Fastify pipes it to the reply, reading the next chunk as the client takes them.
      const stream = await models.csv(request.params.model_name)
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="${request.params.model_name}.csv"`)
        .send(stream)
    }
  )
}
