// Groups written by an imported file carry the label IMPORT_LABEL, whose value names the file
// (`<import source id>/<file name>`): a file's samples are groups of their own, never mixed into
// groups that are collected or that another file wrote. So deleting a file (or its source) is
// deleting the groups its label selects — exact and cheap, whatever else shares the series — and
// retention, which drops what is older than a policy, leaves them out: imported history is kept
// until it is deleted. Readers join them to the series they belong to (the same metric and
// labels without this one): the metrics reads and PromQL see one series.
//
// The name starts with `__`, as Prometheus' reserved labels do: it is never a Prometheus label
// of its own (an import's label columns may not start so), and the Prometheus faces leave it out.
import type { LabelMatcher } from './matchers'

export const IMPORT_LABEL = '__import__'

/** The label value of the groups one file writes. */
export function importLabelValue(sourceId: number, filename: string): string {
  return `${sourceId}/${filename}`
}

/** The groups (raw and roll-ups) one imported file wrote. */
export function importedFileMatchers(sourceId: number, filename: string): LabelMatcher[] {
  return [{ name: IMPORT_LABEL, op: '=', value: importLabelValue(sourceId, filename) }]
}

/** The groups every file of one import source wrote. */
export function importedSourceMatchers(sourceId: number): LabelMatcher[] {
  return [{ name: IMPORT_LABEL, op: '=~', value: `${sourceId}/.*` }]
}

/** Selects the groups no file wrote (a matcher that matches "" selects the groups without the label). */
export const NOT_IMPORTED: LabelMatcher = { name: IMPORT_LABEL, op: '=', value: '' }

/** A group's labels without the import's: the series it belongs to. */
export function withoutImportLabel(labels: Readonly<Record<string, string>>): Record<string, string> {
  const { [IMPORT_LABEL]: _file, ...rest } = labels
  return rest
}
