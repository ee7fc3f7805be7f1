// sysmon-prometheus-api.md, "Prometheus API": a Prometheus-compatible API under /prometheus over
// everything Vigil stores, answering as Prometheus 2.42 does (see src/main/prometheus), plus the
// import of the text format. Vigil's credential, as on every face: the API token as
// `Authorization: Bearer` or as the spec's `X-TC-APP-KEY` (security.ts), or a browser session.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { goJson, parseForm, requestParams, successBody, type PrometheusFeature, type RequestParams } from '../../prometheus'
import type { ApiFace } from '../face'
import { asHttpError, errorBody, errorStatus } from './errors'
import { importRoutes } from './import-route'
import { sendJson } from './send-json'

export function prometheusFace(prometheus: PrometheusFeature): ApiFace {
  return {
    name: 'prometheus',
    prefix: '/prometheus',
    errorStatus,
    errorBody,
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

  const route = (methods: Array<'GET' | 'POST' | 'PUT'>, url: string, handler: Handler): void => {
    scope.route({ method: methods, url: `/api/v1${url}`, handler: (request, reply) => answer(request, reply, handler) })
  }
  const { series, status, query, admin } = prometheus
  route(['GET', 'POST'], '/query', (params) => query.query(params))
  route(['GET', 'POST'], '/query_range', (params) => query.queryRange(params))
  route(['GET', 'POST'], '/series', (params) => series.series(params))
  route(['GET', 'POST'], '/labels', (params) => series.labels(params))
  route(['GET'], '/label/:name/values', (params, request) => series.labelValues((request.params as { name: string }).name, params))
  route(['GET'], '/metadata', (params) => status.metadata(params))
  route(['GET'], '/status/buildinfo', () => status.buildinfo())
  route(['GET'], '/rules', (params) => status.rules(params))
  route(['GET', 'POST'], '/query_exemplars', (params) => status.queryExemplars(params))
  route(['GET', 'POST'], '/format_query', (params) => status.formatQuery(params))
  route(['POST', 'PUT'], '/admin/tsdb/delete_series', (params) => admin.deleteSeries(params))
  route(['POST', 'PUT'], '/admin/tsdb/clean_tombstones', () => admin.cleanTombstones())
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
