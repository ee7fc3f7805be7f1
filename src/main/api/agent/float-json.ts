// The agent is written in Python, and so are its clients: a value it computes as a float is
// written `98.0`, and a client may check `isinstance(value, float)` or divide by it expecting a
// float. JavaScript has one number type and JSON.stringify writes 98 for 98.0, so each agent
// route declares which of its fields are floats (as the spec's examples show them), and its
// answer is written by this writer, which gives those fields a decimal point when they have none.
//
// A field is named by a path of keys from the top of the answer: `hitratio`, `cpu.idle`,
// `databases.*.toast_bytes` (`*` matches any key or array index). A path of a single key with no
// dot matches that key at any depth (`measure_interval` in every row of every probe).

export type FloatFields = readonly string[]

type Path = readonly (string | number)[]

/** Whether the field at `path` is declared a float. */
export function floatMatcher(fields: FloatFields): (path: Path) => boolean {
  const anywhere = new Set(fields.filter((field) => !field.includes('.')))
  const exact = fields.filter((field) => field.includes('.')).map((field) => field.split('.'))
  return (path) => {
    const last = path[path.length - 1]
    if (typeof last === 'string' && anywhere.has(last)) return true
    return exact.some((pattern) => pattern.length === path.length && pattern.every((key, index) => key === '*' || key === String(path[index])))
  }
}

/** A number as JSON, with a decimal point when it is a whole number (Python's float repr does the same: 98.0, 1e+21). */
function floatText(value: number): string {
  const text = JSON.stringify(value)
  return /^-?\d+$/.test(text) ? `${text}.0` : text
}

/**
 * JSON.stringify's output, except that the numbers of the declared fields are written as
 * floats. Like JSON.stringify: toJSON() is honoured, undefined and functions are left out of
 * objects (null in arrays), non-finite numbers are null.
 */
export function stringifyWithFloats(value: unknown, fields: FloatFields): string {
  if (fields.length === 0) return JSON.stringify(value) ?? ''
  const isFloat = floatMatcher(fields)
  const path: Array<string | number> = []
  const write = (item: unknown): string | undefined => {
    let current = item
    if (current !== null && typeof current === 'object' && typeof (current as { toJSON?: unknown }).toJSON === 'function') {
      current = (current as { toJSON: (key: string) => unknown }).toJSON(String(path[path.length - 1] ?? ''))
    }
    if (typeof current === 'number') return Number.isFinite(current) && isFloat(path) ? floatText(current) : JSON.stringify(current)
    if (current === null || typeof current !== 'object') return JSON.stringify(current)
    if (Array.isArray(current)) {
      const parts = current.map((element, index) => {
        path.push(index)
        const text = write(element)
        path.pop()
        return text ?? 'null'
      })
      return `[${parts.join(',')}]`
    }
    const parts: string[] = []
    for (const [key, element] of Object.entries(current)) {
      path.push(key)
      const text = write(element)
      path.pop()
      if (text !== undefined) parts.push(`${JSON.stringify(key)}:${text}`)
    }
    return `{${parts.join(',')}}`
  }
  return write(value) ?? ''
}
