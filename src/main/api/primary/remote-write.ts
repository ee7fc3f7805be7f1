import type { FastifyInstance } from 'fastify'
import Type from 'typebox'
import type { RemoteWriteInput } from '../../../shared/remote-write'
import { remoteWriteCall, type RemoteWriter } from '../../prometheus'
import { PrimaryErrorSchema } from './errors'

const tags = ['Remote write']

const StatusSchema = Type.Object({
  url: Type.Union([Type.String(), Type.Null()]),
  enabled: Type.Boolean(),
  hasBearerToken: Type.Boolean(),
  state: Type.Union(['off', 'idle', 'sending', 'retrying', 'refused'].map((state) => Type.Literal(state))),
  since: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  samplesSent: Type.Integer(),
  samplesRefused: Type.Integer(),
  requests: Type.Integer(),
  failedRequests: Type.Integer(),
  lastSuccessAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  lastError: Type.Union([Type.Object({ at: Type.String({ format: 'date-time' }), message: Type.String() }), Type.Null()]),
  backlogRows: Type.Integer(),
  backlogGroups: Type.Integer(),
  inFlightBytes: Type.Integer()
})

const InputSchema = Type.Object(
  {
    url: Type.String({ minLength: 1, maxLength: 2048, description: 'The receiver, e.g. http://prometheus:9090/api/v1/write' }),
    bearerToken: Type.Optional(Type.Union([Type.String({ maxLength: 4096 }), Type.Null()], { description: 'Write-only. Omitted: kept; null or "": none.' })),
    enabled: Type.Optional(Type.Boolean())
  },
  { additionalProperties: false }
)

/**
 * Vigil's own: the remote-write receiver every stored series is pushed to (README, "Remote
 * write"). Not in a spec; the primary API's error format.
 */
export function remoteWriteRoutes(app: FastifyInstance, writer: RemoteWriter): void {
  app.get('/api/remote-write', { schema: { tags, summary: 'Remote write: the receiver and how sending goes', response: { 200: StatusSchema } } }, async () => writer.status())
  app.put<{ Body: RemoteWriteInput }>(
    '/api/remote-write',
    {
      schema: {
        tags,
        summary: 'Set the remote-write receiver',
        description: 'Samples stored from now on are sent (a new URL starts from now); the same URL keeps its progress.',
        body: InputSchema,
        response: { 200: StatusSchema, 400: PrimaryErrorSchema }
      }
    },
    async (request) => remoteWriteCall(() => writer.configure(request.body))
  )
  app.delete(
    '/api/remote-write',
    { schema: { tags, summary: 'Stop remote write and forget the receiver', response: { 200: StatusSchema } } },
    async () => writer.remove()
  )
}
