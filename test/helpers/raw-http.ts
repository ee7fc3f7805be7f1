import { request } from 'node:http'

/** A request with headers fetch() would not let us forge (Host), as a rebinding attacker's would be. */
export function rawRequest(
  url: string,
  path: string,
  headers: Record<string, string>,
  method = 'GET'
): Promise<{ status: number; body: string; headers: Record<string, unknown> }> {
  const { hostname, port } = new URL(url)
  return new Promise((resolve, reject) => {
    const req = request({ hostname, port, path, method, headers }, (res) => {
      let body = ''
      res.setEncoding('utf8')
      res.on('data', (chunk: string) => (body += chunk))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }))
    })
    req.on('error', reject)
    req.end()
  })
}
