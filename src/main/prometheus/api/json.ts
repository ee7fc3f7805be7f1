// JSON as Prometheus 2.42 writes it (Go's encoding/json, HTML-safe): strings escaped as
// formatJsonString does (`<`, `>`, `&`, U+2028, U+2029 as \u escapes), object members in the
// order given — callers sort where Go sorts a map's keys.
import { formatJsonString } from './format'

export type JsonValue = string | number | boolean | null | readonly JsonValue[] | { readonly [key: string]: JsonValue }

/** A value as Go's encoder writes it; integers only (samples have their own writers in format.ts). */
export function goJson(value: JsonValue): string {
  if (typeof value === 'string') return formatJsonString(value)
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value)) throw new RangeError(`goJson writes integers only, not ${value}`)
    return String(value)
  }
  if (typeof value === 'boolean' || value === null) return String(value)
  if (Array.isArray(value)) return `[${value.map(goJson).join(',')}]`
  const members = Object.entries(value as { readonly [key: string]: JsonValue })
  return `{${members.map(([key, member]) => `${formatJsonString(key)}:${goJson(member)}`).join(',')}}`
}

/** `{"status":"success","data":…}` around data already written as JSON. */
export function successBody(dataJson: string): string {
  return `{"status":"success","data":${dataJson}}`
}
