/** ISO 8601 in UTC with second precision, as the specs write timestamps ("2024-08-07T10:30:00Z"). */
export function isoSeconds(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z')
}
