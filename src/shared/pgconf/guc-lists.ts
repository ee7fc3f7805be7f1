// Settings whose value is a list of names (GUC_LIST_INPUT | GUC_LIST_QUOTE). ALTER SYSTEM quotes
// each string it is given as one name: `ALTER SYSTEM SET shared_preload_libraries =
// 'pg_stat_statements,auto_explain'` would write the single library
// "pg_stat_statements,auto_explain", and the server would not start again. So a value for one of
// these is split into its names as PostgreSQL splits it (varlena.c SplitGUCList) and each name
// becomes its own literal: `... = 'pg_stat_statements', 'auto_explain'`.
//
// pg_settings does not expose the flag, so the core settings that have it are listed here
// (guc_tables.c, PostgreSQL 13 to 18). An extension's own list settings are not known and are
// written as one literal.
const LIST_QUOTE_SETTINGS: ReadonlySet<string> = new Set([
  'search_path',
  'temp_tablespaces',
  'shared_preload_libraries',
  'local_preload_libraries',
  'session_preload_libraries',
  'oauth_validator_libraries'
])

export function isNameListSetting(name: string): boolean {
  return LIST_QUOTE_SETTINGS.has(name)
}

/** scanner_isspace: what SplitGUCList skips around names. */
const isSpace = (char: string | undefined): boolean => char !== undefined && ' \t\n\r\f\v'.includes(char)

/**
 * The names of a list value, as SplitGUCList reads them: comma-separated, white space around
 * names ignored, double quotes around a name that has commas, spaces or quotes ("" inside
 * quotes is one quote), no case folding. Null when the list is malformed.
 */
export function splitNameList(value: string): string[] | null {
  const names: string[] = []
  let at = 0
  while (isSpace(value[at])) at++
  if (at === value.length) return names
  for (;;) {
    let name = ''
    if (value[at] === '"') {
      at++
      for (;;) {
        const close = value.indexOf('"', at)
        if (close < 0) return null
        name += value.slice(at, close)
        at = close + 1
        if (value[at] !== '"') break
        name += '"'
        at++
      }
    } else {
      const start = at
      while (at < value.length && value[at] !== ',' && !isSpace(value[at])) at++
      if (at === start) return null
      name = value.slice(start, at)
    }
    names.push(name)
    while (isSpace(value[at])) at++
    if (at === value.length) return names
    if (value[at] !== ',') return null
    at++
    while (isSpace(value[at])) at++
  }
}
