// sysmon-prometheus-api.md, "Prometheus API": a Prometheus-compatible API under /prometheus over
// everything Vigil stores, answering as Prometheus 2.42 does (see src/main/prometheus), plus the
// import of the text format. Vigil's credentials, as on every face (a `vgl_` token too), with the API token as
// `Authorization: Bearer` or as the spec's `X-TC-APP-KEY` (callers.ts), or a browser session; area `prometheus`.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { goJson, parseForm, requestParams, successBody, type PrometheusFeature, type RequestParams } from '../../prometheus'
import type { ApiFace } from '../face'
import type { Access } from '../../../shared/access'
import { asHttpError, errorBody, errorStatus } from './errors'
import { importRoutes } from './import-route'
import { sendJson } from './send-json'

export function prometheusFace(prometheus: PrometheusFeature): ApiFace {
  return {
    name: 'prometheus',
    prefix: '/prometheus',
    errorStatus,
    errorBody,
    areas: [['/prometheus', 'prometheus']],
    errorFormat: { contentType: 'application/json', serialize: (body) => goJson(body as ReturnType<typeof errorBody>) },
    routes: (scope) => prometheusRoutes(scope, prometheus)
  }
}

type Handler = (params: RequestParams, request: FastifyRequest) => string | null | Promise<string | null>

async function prometheusRoutes(scope: FastifyInstance, prometheus: PrometheusFeature): Promise<void> {
  // Its own spec, not part of Vigil's OpenAPI document.
  scope.addHook('onRoute', (options) => {
    options.schema = { ...options.schema, hide: true }
  })
  // Grafana and scripts POST forms, as Prometheus takes them.
  scope.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_request, body, done) => done(null, new FormBody(parseForm(body as string))))

  // A query sent as a form POST reads, whatever its method; the admin routes write.
  const route = (methods: Array<'GET' | 'POST' | 'PUT'>, url: string, access: Access, handler: Handler): void => {
    scope.route({ method: methods, url: `/api/v1${url}`, config: { access }, handler: (request, reply) => answer(request, reply, handler) })
  }
  const { series, status, query, admin } = prometheus
  route(['GET', 'POST'], '/query', 'read', (params) => query.query(params))
  route(['GET', 'POST'], '/query_range', 'read', (params) => query.queryRange(params))
  route(['GET', 'POST'], '/series', 'read', (params) => series.series(params))
  route(['GET', 'POST'], '/labels', 'read', (params) => series.labels(params))
  route(['GET'], '/label/:name/values', 'read', (params, request) => series.labelValues((request.params as { name: string }).name, params))
  route(['GET'], '/metadata', 'read', (params) => status.metadata(params))
  route(['GET'], '/status/buildinfo', 'read', () => status.buildinfo())
  route(['GET'], '/rules', 'read', (params) => status.rules(params))
  route(['GET', 'POST'], '/query_exemplars', 'read', (params) => status.queryExemplars(params))
  route(['GET', 'POST'], '/format_query', 'read', (params) => status.formatQuery(params))
  route(['POST', 'PUT'], '/admin/tsdb/delete_series', 'write', (params) => admin.deleteSeries(params))
  route(['POST', 'PUT'], '/admin/tsdb/clean_tombstones', 'write', () => admin.cleanTombstones())
  await scope.register(importRoutes(prometheus), { prefix: '/api/v1/import' })
}

/** `{"status":"success","data":…}`, or 204 where 2.42 has no data to give; errors in the face's format. */
async function answer(request: FastifyRequest, reply: FastifyReply, handler: Handler): Promise<FastifyReply> {
  const form = request.body instanceof FormBody ? request.body.values : {}
  let data: string | null
  try {
    data = await handler(requestParams(request.query as Record<string, string | string[]>, form), request)
  } catch (error) {
    throw asHttpError(error)
  }
  if (data === null) return reply.code(204).send()
  return sendJson(reply, successBody(data))
}

/** A parsed form body, told apart from a JSON body (which Prometheus ignores, as Go's ParseForm does). */
class FormBody {
  constructor(readonly values: Record<string, string[]>) {}
}
