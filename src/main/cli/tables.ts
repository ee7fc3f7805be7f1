// Human-readable output of the client commands: aligned columns, as `ps` or `kubectl get` print
// them. --json prints the server's data instead; scripts should use that, not parse these.

export interface Column<T> {
  header: string
  value: (row: T) => string | number | boolean | null | undefined
  /** Numbers read best right-aligned. */
  align?: 'right'
  /** Longer cells are cut with an ellipsis (a query text, an error). */
  max?: number
}

export function formatTable<T>(columns: Column<T>[], rows: T[]): string {
  const cells = rows.map((row) => columns.map((column) => cellText(column.value(row), column.max)))
  const widths = columns.map((column, index) => Math.max(column.header.length, ...cells.map((row) => (row[index] as string).length)))
  const line = (values: string[]): string =>
    values
      .map((value, index) => (columns[index]?.align === 'right' ? value.padStart(widths[index] ?? 0) : value.padEnd(widths[index] ?? 0)))
      .join('  ')
      .trimEnd()
  return [line(columns.map((column) => column.header)), ...cells.map(line)].join('\n') + '\n'
}

/** Key/value lines (`vigil config show`, `vigil auth status`), keys aligned. */
export function formatPairs(pairs: [string, string | number | boolean | null | undefined][]): string {
  const width = Math.max(...pairs.map(([key]) => key.length))
  return pairs.map(([key, value]) => `${`${key}:`.padEnd(width + 1)} ${cellText(value)}`).join('\n') + '\n'
}

/** One line whatever the value: '-' for null, whitespace folded (a multi-line query), cut at `max`. */
function cellText(value: string | number | boolean | null | undefined, max?: number): string {
  if (value === null || value === undefined) return '-'
  const text = String(value).replace(/\s+/g, ' ').trim()
  return max !== undefined && text.length > max ? `${text.slice(0, max - 1)}…` : text
}
