// Credentials never reach a log: every line is scrubbed before it is written. Structured
// fields (the request's URL) are redacted where they are built, and this pass catches what
// else may carry one — an error message quoting a URL, a header in an error's details.

const REDACTED = '[REDACTED]'

/** Query parameters that carry a credential: the API token, a login code, a session, the PostgreSQL agent key. */
const SECRET_PARAMETERS = ['token', 'code', 'session', 'password', 'access_token', 'api_key', 'apikey', 'secret', 'key']
/** Headers that carry one. */
export const SECRET_HEADERS = ['authorization', 'proxy-authorization', 'cookie', 'set-cookie', 'x-session', 'x-api-key', 'x-tc-app-key', 'x-temboard-agent-key']

const PARAMETER = new RegExp(`([?&;](?:${SECRET_PARAMETERS.join('|')})=)[^&;#\\s"'\\\\]*`, 'gi')
const HEADER_JSON = new RegExp(`("(?:${SECRET_HEADERS.join('|')})"\\s*:\\s*)"(?:[^"\\\\]|\\\\.)*"`, 'gi')
const HEADER_TEXT = new RegExp(`\\b(${SECRET_HEADERS.join('|')}):[ \\t]*[^\\r\\n"]+`, 'gi')
const SCHEME = /\b(Bearer|Token|Basic)\s+[A-Za-z0-9._~+/=-]{8,}/g
/** A user's API token wherever it is, a path included (DELETE /api/v1/auth/token/{token}/). */
const API_TOKEN = /\bvgl_[A-Za-z0-9_-]{8,}/g

/** A URL (or path and query) with the values of credential parameters replaced. */
export function redactUrl(url: string): string {
  return url.replace(PARAMETER, `$1${REDACTED}`).replace(API_TOKEN, `vgl_${REDACTED}`)
}

/**
 * Scrubs a line of text: credential parameters in URLs, credential headers (as JSON fields or
 * as `Name: value`), `Bearer …` values, and any of the known secrets wherever they appear.
 */
export function createRedactor(knownSecrets: readonly string[] = []): (text: string) => string {
  // Read at every line, not copied: a secret added later (a rotated API token) is redacted too.
  return (text) => {
    const secrets = knownSecrets.filter((secret) => secret.length >= 8)
    let out = text.replace(PARAMETER, `$1${REDACTED}`).replace(HEADER_JSON, `$1"${REDACTED}"`).replace(HEADER_TEXT, `$1: ${REDACTED}`).replace(SCHEME, `$1 ${REDACTED}`).replace(API_TOKEN, `vgl_${REDACTED}`)
    for (const secret of secrets) if (out.includes(secret)) out = out.split(secret).join(REDACTED)
    return out
  }
}
