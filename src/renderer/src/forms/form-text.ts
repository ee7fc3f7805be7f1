/** A typed integer when the text is one; otherwise the text, so validation names the field. */
export function integerOrText(text: string): number | string | undefined {
  const trimmed = text.trim()
  if (trimmed === '') return undefined
  return /^-?\d+$/.test(trimmed) ? Number(trimmed) : trimmed
}

/** A create input's text and integer fields: trimmed and typed, blank ones left out (the core's defaults apply). */
export function filledFields<K extends string>(values: Record<K, string>, texts: readonly K[], integers: readonly K[]): Record<string, unknown> {
  const input: Record<string, unknown> = {}
  for (const field of texts) {
    const value = values[field].trim()
    if (value !== '') input[field] = value
  }
  for (const field of integers) {
    const value = integerOrText(values[field])
    if (value !== undefined) input[field] = value
  }
  return input
}

/** An update's text and integer fields that differ from the form as it opened; one emptied is sent empty, for the core to judge. */
export function changedFields<K extends string>(values: Record<K, string>, before: Record<K, string>, texts: readonly K[], integers: readonly K[]): Record<string, unknown> {
  const changes: Record<string, unknown> = {}
  for (const field of texts) {
    if (values[field].trim() !== before[field]) changes[field] = values[field].trim()
  }
  for (const field of integers) {
    if (values[field].trim() !== before[field]) changes[field] = integerOrText(values[field]) ?? ''
  }
  return changes
}
