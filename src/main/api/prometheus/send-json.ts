import type { FastifyReply } from 'fastify'

/** JSON as 2.42 sends it: `Content-Type: application/json` (Fastify would add a charset to a string). */
export function sendJson(reply: FastifyReply, json: string): FastifyReply {
  return reply.type('application/json').send(Buffer.from(json, 'utf8'))
}
