// A metrics endpoint for the scrape tests: a real HTTP server on 127.0.0.1 whose answer the test
// sets (body, content type, gzip, status, a hang), which can die and come back on the same port.
//
//   const exporter = await startTestExporter()
//   exporter.serve('a 1\n')                     the next answers (text/plain; version=0.0.4)
//   exporter.serve(text, { openMetrics: true }) as application/openmetrics-text
//   exporter.respond({ status: 500 }) / ({ hang: true }) / ({ gzip: true })
//   exporter.requests                           the headers of every request received
//   await exporter.kill() / await exporter.revive()
//   await exporter.close()
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http'
import type { Socket } from 'node:net'
import { gzipSync } from 'node:zlib'

export interface ExporterAnswer {
  body: string
  openMetrics?: boolean
  gzip?: boolean
  status?: number
  /** Never answer (the scrape times out). */
  hang?: boolean
}

export interface TestExporter {
  port: number
  url: string
  requests: IncomingHttpHeaders[]
  serve(body: string, options?: Omit<ExporterAnswer, 'body'>): void
  kill(): Promise<void>
  revive(): Promise<void>
  close(): Promise<void>
}

export async function startTestExporter(): Promise<TestExporter> {
  let answer: ExporterAnswer = { body: '' }
  const requests: IncomingHttpHeaders[] = []
  const sockets = new Set<Socket>()
  let server: Server | null = null
  let port = 0

  const listen = (): Promise<void> =>
    new Promise((resolve, reject) => {
      const created = createServer((request, response) => {
        requests.push(request.headers)
        if (answer.hang) return
        const type = answer.openMetrics ? 'application/openmetrics-text; version=1.0.0; charset=utf-8' : 'text/plain; version=0.0.4; charset=utf-8'
        const headers: Record<string, string> = { 'Content-Type': type }
        let body: Buffer = Buffer.from(answer.body)
        if (answer.gzip) {
          headers['Content-Encoding'] = 'gzip'
          body = gzipSync(body)
        }
        response.writeHead(answer.status ?? 200, headers)
        response.end(body)
      })
      created.on('connection', (socket) => {
        sockets.add(socket)
        socket.on('close', () => sockets.delete(socket))
      })
      created.once('error', reject)
      created.listen(port, '127.0.0.1', () => {
        const address = created.address()
        port = typeof address === 'object' && address ? address.port : port
        server = created
        resolve()
      })
    })

  const stop = (): Promise<void> =>
    new Promise((resolve) => {
      const current = server
      server = null
      if (!current) return resolve()
      for (const socket of sockets) socket.destroy()
      current.close(() => resolve())
    })

  await listen()
  return {
    get port() {
      return port
    },
    get url() {
      return `http://127.0.0.1:${port}/metrics`
    },
    requests,
    serve(body, options = {}) {
      answer = { body, ...options }
    },
    kill: stop,
    revive: listen,
    close: stop
  }
}
