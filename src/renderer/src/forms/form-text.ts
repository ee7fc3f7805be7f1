/** A typed integer when the text is one; otherwise the text, so validation names the field. */
export function integerOrText(text: string): number | string | undefined {
  const trimmed = text.trim()
  if (trimmed === '') return undefined
  return /^-?\d+$/.test(trimmed) ? Number(trimmed) : trimmed
}
