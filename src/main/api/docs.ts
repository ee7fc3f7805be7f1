import { createReadStream, existsSync } from 'node:fs'
import { join } from 'node:path'
import swagger from '@fastify/swagger'
import swaggerUi from '@fastify/swagger-ui'
import type { FastifyInstance } from 'fastify'

const REDOC_PAGE = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <title>Vigil API — ReDoc</title>
    <meta name="viewport" content="width=device-width, initial-scale=1" />
  </head>
  <body>
    <redoc spec-url="/api/docs/json"></redoc>
    <script src="/api/redoc/redoc.standalone.js"></script>
  </body>
</html>`

/** OpenAPI generated from the route schemas; Swagger UI at /api/docs, ReDoc at /api/redoc (platform-api.md). */
export async function registerDocs(app: FastifyInstance, version: string, vendorDir: string | null): Promise<void> {
  await app.register(swagger, {
    openapi: {
      info: {
        title: 'Vigil API',
        version,
        description:
          'The local API of Vigil. Every route but `/health/` needs `Authorization: Bearer <token>` ' +
          '(the token is in the data directory, file `api-token`).'
      },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      security: [{ bearer: [] }]
    }
  })
  await app.register(swaggerUi, { routePrefix: '/api/docs', staticCSP: true })

  const bundle = vendorDir ? join(vendorDir, 'redoc.standalone.js') : null
  app.get('/api/redoc', { schema: { hide: true } }, async (_request, reply) => {
    if (!bundle || !existsSync(bundle)) {
      return reply.code(503).send({ error: 'ReDoc is not bundled in this build; use /api/docs' })
    }
    return reply
      .header(
        'Content-Security-Policy',
        "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; connect-src 'self'; worker-src blob:"
      )
      .type('text/html; charset=utf-8')
      .send(REDOC_PAGE)
  })
  app.get('/api/redoc/redoc.standalone.js', { schema: { hide: true } }, async (_request, reply) => {
    if (!bundle || !existsSync(bundle)) return reply.code(404).send({ error: 'Not found' })
    return reply
      .header('Cache-Control', 'max-age=3600')
      .type('application/javascript; charset=utf-8')
      .send(createReadStream(bundle))
  })
}
