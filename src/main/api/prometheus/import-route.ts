// POST /prometheus/api/v1/import/prometheus: the text exposition format with millisecond
// timestamps, as VictoriaMetrics' endpoint of that name takes it (curl --data-binary sends it
// with any content type), or OpenMetrics text (timestamps in seconds) when sent as
// application/openmetrics-text. The whole body is checked before anything is written
// (src/main/prometheus/exposition/importer.ts); a bad line answers 400 with its line:column.
import { gunzipSync } from 'node:zlib'
import type { FastifyInstance, FastifyPluginAsync } from 'fastify'
import { AppError } from '../../../shared/errors'
import { goJson, successBody, type PrometheusFeature } from '../../prometheus'
import { asHttpError, PrometheusHttpError } from './errors'
import { sendJson } from './send-json'

/**
 * Bodies up to 32 MiB (a gzip body too, once inflated): about 300,000 samples of the data set's kind, parsed and written in about
 * 1.5 s, during which the server does nothing else (the write is one piece, so that it is whole
 * or not at all). Larger files go in batches: `vigil import-metrics`.
 */
export const IMPORT_BODY_LIMIT_BYTES = 32 << 20

export function importRoutes(prometheus: PrometheusFeature): FastifyPluginAsync {
  return async (scope: FastifyInstance) => {
    // The body is text whatever its declared type: take it as bytes (the importer checks its UTF-8).
    scope.removeAllContentTypeParsers()
    scope.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: IMPORT_BODY_LIMIT_BYTES }, (_request, body, done) => done(null, body))
    scope.post('/prometheus', { bodyLimit: IMPORT_BODY_LIMIT_BYTES }, async (request, reply) => {
      const body = decoded(Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0), request.headers['content-encoding'])
      const format = /^application\/openmetrics-text\b/i.test(request.headers['content-type'] ?? '') ? 'openmetrics' : 'prometheus'
      try {
        const result = prometheus.importText(body, format)
        return sendJson(reply, successBody(goJson({ ...result })))
      } catch (error) {
        throw asHttpError(error)
      }
    })
  }
}

/** The body as sent, or inflated when it came gzipped (`Content-Encoding: gzip`, as curl --compressed-ish clients send it). */
function decoded(body: Buffer, encoding: string | undefined): Buffer {
  const name = (encoding ?? 'identity').trim().toLowerCase()
  if (name === 'identity' || name === '') return body
  if (name !== 'gzip') throw new PrometheusHttpError('bad_data', `unsupported Content-Encoding ${JSON.stringify(name)}: send the body as it is, or gzip`)
  try {
    return gunzipSync(body, { maxOutputLength: IMPORT_BODY_LIMIT_BYTES })
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') throw new AppError('too_large', 'The request body is too large')
    throw new PrometheusHttpError('bad_data', `the body is not valid gzip: ${(error as Error).message}`)
  }
}
