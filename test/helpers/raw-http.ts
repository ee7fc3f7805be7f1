import { request } from 'node:http'

/**
 * A request with what fetch() would not let us forge, as an attacker's would be: a Host header
 * (or two: pass headers in rawHeaders form, ['Host', 'a', 'Host', 'b']), bytes that are not
 * UTF-8 in the body, a URL fetch would normalise.
 */
export function rawRequest(
  url: string,
  path: string,
  headers: Record<string, string> | string[],
  method = 'GET',
  body?: Buffer | string
): Promise<{ status: number; body: string; headers: Record<string, unknown> }> {
  const { hostname, port } = new URL(url)
  if (body !== undefined && !Array.isArray(headers) && !Object.keys(headers).some((name) => name.toLowerCase() === 'content-length')) {
    headers = { ...headers, 'Content-Length': String(Buffer.byteLength(body)) }
  }
  return new Promise((resolve, reject) => {
    const req = request({ hostname, port, path, method, headers, setHost: false }, (res) => {
      let text = ''
      res.setEncoding('utf8')
      res.on('data', (chunk: string) => (text += chunk))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text, headers: res.headers }))
    })
    req.on('error', reject)
    req.end(body)
  })
}
