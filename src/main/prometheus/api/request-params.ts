// A request's parameters as Go's net/http gives them to 2.42's handlers: the form body's values
// first, then the URL's (r.Form), FormValue taking the first.

export interface RequestParams {
  /** The first value, '' when there is none (Go's r.FormValue). */
  value(name: string): string
  /** Every value, the form body's first (Go's r.Form[name]): `match[]` repeated. */
  values(name: string): string[]
  /** The first value in the URL's query only (Go's r.URL.Query().Get). */
  urlValue(name: string): string
}

type Multi = Readonly<Record<string, string | readonly string[] | undefined>>

const list = (value: string | readonly string[] | undefined): string[] => (value === undefined ? [] : typeof value === 'string' ? [value] : [...value])

/** Parameters from a parsed URL query and, for a form POST, the parsed body. */
export function requestParams(query: Multi, form: Multi = {}): RequestParams {
  return {
    value: (name) => list(form[name])[0] ?? list(query[name])[0] ?? '',
    values: (name) => [...list(form[name]), ...list(query[name])],
    urlValue: (name) => list(query[name])[0] ?? ''
  }
}

/** An x-www-form-urlencoded body, every value of every name kept. */
export function parseForm(body: string): Record<string, string[]> {
  const form: Record<string, string[]> = {}
  for (const [name, value] of new URLSearchParams(body)) (form[name] ??= []).push(value)
  return form
}
