// What is wrong with an input, in words for the person who typed it. No schema library here:
// errors.ts (and so every page of the UI) needs these, and the validator is large.

/** One thing wrong with an input, phrased for the person who typed it. */
export interface ValidationIssue {
  /** Dotted path of the field; '' for the input as a whole. */
  field: string
  kind: 'required' | 'unknown_field' | 'invalid'
  /** A sentence that names the field, e.g. "Invalid value for 'ssh_port': must be …". */
  message: string
  /** The rule alone, for lists keyed by field, e.g. "Must be an integer from 1 to 65535." */
  rule: string
}

/** "must be true or false" → "Must be true or false." */
export function sentence(text: string): string {
  const trimmed = text.trim()
  const capitalised = trimmed.charAt(0).toUpperCase() + trimmed.slice(1)
  return /[.!?]$/.test(capitalised) ? capitalised : capitalised + '.'
}
