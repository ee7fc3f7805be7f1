import fastifyStatic, { type FastifyStaticOptions } from '@fastify/static'
import type { FastifyInstance, FastifyRequest } from 'fastify'

/** Same policy as the meta tag in index.html; the header also covers framing. */
export const UI_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; " +
  "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

/**
 * The built renderer for browsers. The bundle is the same code as the published app and
 * holds no data, so it loads without a credential and asks for one (login URL or token).
 */
export async function registerStaticUi(app: FastifyInstance, rendererDir: string): Promise<void> {
  await app.register(async (scope) => {
    scope.addHook('onRoute', (route) => {
      route.config = { ...route.config, area: 'none' }
    })
    await scope.register(fastifyStatic, staticOptions(rendererDir))
  })
}

function staticOptions(rendererDir: string): FastifyStaticOptions {
  return {
    root: rendererDir,
    prefix: '/',
    index: ['index.html'],
    wildcard: false,
    setHeaders(res, path) {
      res.setHeader('Content-Security-Policy', UI_CSP)
      res.setHeader('Cache-Control', path.endsWith('.html') ? 'no-cache' : 'max-age=31536000, immutable')
    }
  }
}

export function isStaticUiRequest(request: FastifyRequest): boolean {
  if (request.method !== 'GET' && request.method !== 'HEAD') return false
  const path = request.url.split('?')[0] ?? ''
  return path === '/' || path === '/index.html' || path.startsWith('/assets/') || path === '/favicon.svg'
}
