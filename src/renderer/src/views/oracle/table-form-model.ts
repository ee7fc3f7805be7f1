import { DEFAULT_MAX_ROWS, DEFAULT_POLLING_INTERVAL, type OracleTable, type OracleTableConfig, type OracleTableCreate, type TableColumns } from '../../../../shared/oracle'
import { integerOrText } from '../../forms/form-text'

/** What the watched-table form holds: text as typed, the column choice as a list in table order. */
export interface TableFormValues {
  schema_name: string
  table_name: string
  /** Every column, those added to the table later too (columns_to_monitor sent empty). */
  all_columns: boolean
  /** The chosen columns, when not all of them. */
  columns: string[]
  where_clause: string
  order_by: string
  polling_interval: string
  max_rows: string
  skip_unchanged: boolean
  is_active: boolean
}

export function emptyTableForm(): TableFormValues {
  return {
    schema_name: '',
    table_name: '',
    all_columns: true,
    columns: [],
    where_clause: '',
    order_by: '',
    polling_interval: String(DEFAULT_POLLING_INTERVAL),
    max_rows: String(DEFAULT_MAX_ROWS),
    skip_unchanged: false,
    is_active: true
  }
}

export function formFromTable(table: OracleTable): TableFormValues {
  return {
    schema_name: table.schema_name,
    table_name: table.table_name,
    all_columns: table.columns_to_monitor.length === 0,
    columns: [...table.columns_to_monitor],
    where_clause: table.where_clause ?? '',
    order_by: table.order_by ?? '',
    polling_interval: String(table.polling_interval),
    max_rows: String(table.max_rows),
    skip_unchanged: table.skip_unchanged,
    is_active: table.is_active
  }
}

/** A table picked from the dictionary: its names, every column chosen, the rest kept. */
export function withTable(values: TableFormValues, described: TableColumns): TableFormValues {
  return {
    ...values,
    schema_name: described.schema_name,
    table_name: described.table_name,
    columns: described.columns.map((column) => column.name)
  }
}

/** The key columns are always read (the diff pairs rows by them), so they stay chosen. */
export function isLocked(column: string, described: TableColumns | null): boolean {
  return described?.primary_key.includes(column) ?? false
}

/** Switches "all columns" off with every described column chosen, so the user unticks what to leave out. */
export function withAllColumns(values: TableFormValues, all: boolean, described: TableColumns | null): TableFormValues {
  if (all) return { ...values, all_columns: true }
  const columns = values.columns.length > 0 ? values.columns : (described?.columns.map((column) => column.name) ?? [])
  return { ...values, all_columns: false, columns }
}

/** Ticks or unticks a column, keeping the table's column order (the snapshot shows them in that order). */
export function toggleColumn(values: TableFormValues, column: string, described: TableColumns | null): TableFormValues {
  if (isLocked(column, described)) return values
  const chosen = new Set(values.columns)
  if (chosen.has(column)) chosen.delete(column)
  else chosen.add(column)
  const order = described?.columns.map((candidate) => candidate.name) ?? values.columns
  const known = order.filter((name) => chosen.has(name))
  // Names the description lacks (a stored column since dropped) stay, so the core can name them.
  const unknown = values.columns.filter((name) => chosen.has(name) && !order.includes(name))
  return { ...values, columns: [...known, ...unknown] }
}

export function toTableCreate(values: TableFormValues, databaseId: number): OracleTableCreate {
  const input: Record<string, unknown> = {
    database_id: databaseId,
    schema_name: values.schema_name,
    table_name: values.table_name,
    columns_to_monitor: values.all_columns ? [] : values.columns,
    skip_unchanged: values.skip_unchanged,
    is_active: values.is_active
  }
  if (values.where_clause.trim()) input.where_clause = values.where_clause.trim()
  if (values.order_by.trim()) input.order_by = values.order_by.trim()
  for (const field of ['polling_interval', 'max_rows'] as const) {
    const value = integerOrText(values[field])
    if (value !== undefined) input[field] = value
  }
  return input as OracleTableCreate
}

/** Only what changed; a WHERE or ORDER BY emptied is sent as null (none). */
export function toTableUpdate(values: TableFormValues, original: OracleTable): OracleTableConfig {
  const before = formFromTable(original)
  const changes: Record<string, unknown> = {}
  const columns = values.all_columns ? [] : values.columns
  if (JSON.stringify(columns) !== JSON.stringify(original.columns_to_monitor)) changes.columns_to_monitor = columns
  for (const field of ['where_clause', 'order_by'] as const) {
    if (values[field].trim() !== before[field].trim()) changes[field] = values[field].trim() || null
  }
  for (const field of ['polling_interval', 'max_rows'] as const) {
    if (values[field].trim() !== before[field]) changes[field] = integerOrText(values[field]) ?? ''
  }
  if (values.skip_unchanged !== before.skip_unchanged) changes.skip_unchanged = values.skip_unchanged
  if (values.is_active !== before.is_active) changes.is_active = values.is_active
  return changes as OracleTableConfig
}

/** What the schema cannot say: an empty choice would mean "all columns", which is not what was meant. */
export function tableFormIssues(values: TableFormValues): Partial<Record<keyof TableFormValues | 'columns_to_monitor', string>> {
  const issues: Partial<Record<keyof TableFormValues | 'columns_to_monitor', string>> = {}
  if (!values.table_name) issues.table_name = 'Choose a table.'
  if (!values.all_columns && values.columns.length === 0) issues.columns_to_monitor = 'Choose at least one column, or watch all of them.'
  return issues
}
