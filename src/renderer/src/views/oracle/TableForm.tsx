import { useEffect, useMemo, useState, type ReactNode } from 'react'
import {
  MAX_MAX_ROWS,
  OracleTableConfigSchema,
  OracleTableCreateSchema,
  type DiscoveredTable,
  type OracleDatabase,
  type OracleTable,
  type TableColumns
} from '../../../../shared/oracle'
import { check } from '../../../../shared/validation'
import { Dialog } from '../../components/Dialog'
import { errorsOf, failureOf, FormField, type FieldErrors } from '../../components/FormField'
import { useOracle } from '../../stores/oracle'
import { call, errorMessage } from '../../transport/client'
import {
  emptyTableForm,
  formFromTable,
  isLocked,
  tableFormIssues,
  toggleColumn,
  toTableCreate,
  toTableUpdate,
  withAllColumns,
  withTable,
  type TableFormValues
} from './table-form-model'

const KNOWN_FIELDS = ['schema_name', 'table_name', 'columns_to_monitor', 'where_clause', 'order_by', 'polling_interval', 'max_rows', 'skip_unchanged', 'is_active']

/**
 * Add a watched table (picked from the database's dictionary) or change what and how often it
 * is read. The WHERE text is checked by the core (its tokenizer, then the database's parser)
 * when the form is saved, and its verdict is shown at the field.
 */
export function TableForm({ database, table, onClose, onSaved }: { database: OracleDatabase; table?: OracleTable; onClose: () => void; onSaved?: (table: OracleTable) => void }) {
  const [values, setValues] = useState<TableFormValues>(() => (table ? formFromTable(table) : emptyTableForm()))
  const [errors, setErrors] = useState<FieldErrors>({})
  const [formError, setFormError] = useState<string | null>(null)
  const [saving, setSaving] = useState(false)
  const [discovered, setDiscovered] = useState<DiscoveredTable[] | null>(null)
  const [discoverError, setDiscoverError] = useState<string | null>(null)
  const [search, setSearch] = useState('')
  const [described, setDescribed] = useState<TableColumns | null>(null)
  const [describing, setDescribing] = useState(false)
  const [describeError, setDescribeError] = useState<string | null>(null)
  const { addTable, updateTable } = useOracle()

  const describe = async (schemaName: string, tableName: string, pick: boolean): Promise<void> => {
    setDescribing(true)
    setDescribeError(null)
    try {
      const answer = await call('oracle.tables.describe', { database_id: database.id, schema_name: schemaName, table_name: tableName })
      setDescribed(answer)
      if (pick) setValues((current) => withTable(current, answer))
    } catch (error) {
      setDescribed(null)
      setDescribeError(errorMessage(error))
    } finally {
      setDescribing(false)
    }
  }

  useEffect(() => {
    let open = true
    if (table) {
      call('oracle.tables.describe', { database_id: database.id, schema_name: table.schema_name, table_name: table.table_name })
        .then((answer) => open && setDescribed(answer))
        .catch((error: unknown) => open && setDescribeError(errorMessage(error)))
    } else {
      call('oracle.tables.discover', { database_id: database.id })
        .then((answer) => open && setDiscovered(answer))
        .catch((error: unknown) => open && setDiscoverError(errorMessage(error)))
    }
    return () => {
      open = false
    }
  }, [database.id, table])

  const shown = useMemo(() => {
    const needle = search.trim().toLowerCase()
    return (discovered ?? []).filter((candidate) => !needle || candidate.full_table_name.toLowerCase().includes(needle))
  }, [discovered, search])

  const set = <K extends keyof TableFormValues>(field: K, value: TableFormValues[K]): void => {
    setValues((current) => ({ ...current, [field]: value }))
    setErrors((current) => ({ ...current, [field]: undefined }))
  }

  async function submit(): Promise<void> {
    const local = tableFormIssues(values)
    const input = table ? toTableUpdate(values, table) : toTableCreate(values, database.id)
    const result = check(table ? OracleTableConfigSchema : OracleTableCreateSchema, input)
    const found: FieldErrors = { ...(result.ok ? {} : errorsOf(result.issues)), ...local }
    if (Object.values(found).some(Boolean)) {
      setErrors(found)
      setFormError(null)
      return
    }
    setSaving(true)
    setFormError(null)
    try {
      const saved = table ? await updateTable(table.id, toTableUpdate(values, table)) : await addTable(toTableCreate(values, database.id))
      onSaved?.(saved)
      onClose()
    } catch (error) {
      const failure = failureOf(error)
      setErrors(failure.errors)
      setFormError(failure.formError)
    } finally {
      setSaving(false)
    }
  }

  const fieldError = (name: string) =>
    errors[name] ? (
      <span className="field-error" role="alert" id={`${name}-error`}>
        {errors[name]}
      </span>
    ) : null
  const field = (name: string, label: string, control: ReactNode, hint?: ReactNode) => (
    <FormField label={label} error={errors[name]} hint={hint} errorId={`${name}-error`}>
      {control}
    </FormField>
  )
  const otherErrors = Object.entries(errors).filter(([name, message]) => message && !KNOWN_FIELDS.includes(name))
  const chosen = new Set(values.columns)
  const keyless = described !== null && described.primary_key.length === 0
  const title = table ? `Configure ${table.full_table_name}` : `Watch a table of ${database.name}`

  return (
    <Dialog title={title} onClose={onClose} wide>
      <form
        className="dialog-body form-grid form-grid-2"
        noValidate
        onSubmit={(event) => {
          event.preventDefault()
          void submit()
        }}
      >
        {formError ? (
          <p className="form-error" role="alert">
            {formError}
          </p>
        ) : null}
        {otherErrors.map(([name, message]) => (
          <p key={name} className="form-error" role="alert">
            {message}
          </p>
        ))}
        <div className="form-column">
          {table ? null : (
            <fieldset>
              <legend>Table</legend>
              {discoverError ? (
                <p className="form-error" role="alert">
                  Could not list the tables: {discoverError}
                </p>
              ) : null}
              <label className="field">
                <span className="field-label">Find</span>
                <input type="search" name="table_search" value={search} placeholder="Schema or table name" onChange={(event) => setSearch(event.target.value)} />
              </label>
              <label className={errors.table_name || errors.schema_name ? 'field field-invalid' : 'field'}>
                <span className="field-label">Table *</span>
                <select
                  name="table"
                  size={8}
                  value={values.table_name ? `${values.schema_name}.${values.table_name}` : ''}
                  aria-invalid={errors.table_name ? true : undefined}
                  onChange={(event) => {
                    const picked = shown.find((candidate) => candidate.full_table_name === event.target.value)
                    if (!picked) return
                    setErrors({})
                    setValues((current) => ({ ...current, schema_name: picked.schema_name, table_name: picked.table_name, columns: [] }))
                    void describe(picked.schema_name, picked.table_name, true)
                  }}
                >
                  {shown.map((candidate) => (
                    <option key={candidate.full_table_name} value={candidate.full_table_name} disabled={candidate.monitored_table_id !== null}>
                      {candidate.full_table_name}
                      {candidate.row_estimate !== null ? ` (~${candidate.row_estimate.toLocaleString()} rows)` : ''}
                      {candidate.monitored_table_id !== null ? ' — watched' : ''}
                    </option>
                  ))}
                </select>
                {fieldError('table_name') ?? fieldError('schema_name') ?? (
                  <span className="field-hint">
                    {discovered === null && !discoverError
                      ? 'Reading the data dictionary…'
                      : `${shown.length} of ${discovered?.length ?? 0} tables the account can read`}
                  </span>
                )}
              </label>
            </fieldset>
          )}
          <fieldset className="column-picker">
            <legend>Columns</legend>
            {describing ? <p role="status">Reading the columns…</p> : null}
            {describeError ? (
              <p className="form-error" role="alert">
                Could not read the columns: {describeError}
              </p>
            ) : null}
            <label className="checkbox">
              <input type="checkbox" name="all_columns" checked={values.all_columns} onChange={(event) => setValues((current) => withAllColumns(current, event.target.checked, described))} />
              All columns (columns added later too)
            </label>
            {described ? (
              <ul className="column-list" aria-label="Columns to watch">
                {described.columns.map((column) => {
                  const locked = isLocked(column.name, described)
                  return (
                    <li key={column.name}>
                      <label className="checkbox">
                        <input
                          type="checkbox"
                          name={`column:${column.name}`}
                          checked={values.all_columns || locked || chosen.has(column.name)}
                          disabled={values.all_columns || locked}
                          onChange={() => {
                            setValues((current) => toggleColumn(current, column.name, described))
                            setErrors((current) => ({ ...current, columns_to_monitor: undefined }))
                          }}
                        />
                        <span className="mono">{column.name}</span>
                        <span className="cell-secondary">
                          {column.type.toLowerCase()}
                          {column.nullable ? '' : ' not null'}
                        </span>
                        {locked ? (
                          <span className="key-tag" title="Primary key: rows are paired by it, so it is always read">
                            key
                          </span>
                        ) : null}
                      </label>
                    </li>
                  )
                })}
              </ul>
            ) : values.table_name === '' && !table ? (
              <p className="hint">Pick a table to see its columns.</p>
            ) : null}
            {keyless ? (
              <p className="field-hint">
                No primary key: rows are paired by their physical address ({database.engine === 'postgresql' ? 'ctid' : 'ROWID'}), so an updated row may show as
                removed and added.
              </p>
            ) : described ? (
              <p className="field-hint">Primary key {described.primary_key.join(', ')}: changed rows are matched by it.</p>
            ) : null}
            {fieldError('columns_to_monitor')}
          </fieldset>
        </div>
        <div className="form-column">
          <fieldset>
            <legend>Rows</legend>
            {field(
              'where_clause',
              'WHERE',
              <textarea
                name="where_clause"
                className="mono"
                rows={3}
                spellCheck={false}
                value={values.where_clause}
                placeholder={database.engine === 'postgresql' ? `"Qty" > 0 AND "Warehouse" = 'north'` : 'CREATED_DATE > SYSDATE - 1'}
                aria-invalid={errors.where_clause ? true : undefined}
                aria-describedby={errors.where_clause ? 'where_clause-error' : undefined}
                onChange={(event) => set('where_clause', event.target.value)}
              />,
              <>A condition, without the word WHERE. One statement: no ;, comments or binds. The database checks it when you save.</>
            )}
            {field(
              'order_by',
              'ORDER BY',
              <input
                name="order_by"
                className="mono"
                spellCheck={false}
                value={values.order_by}
                placeholder="column [ASC|DESC], …"
                aria-invalid={errors.order_by ? true : undefined}
                onChange={(event) => set('order_by', event.target.value)}
              />,
              'Known columns only. The key always breaks ties, so the rows kept are the same on every run.'
            )}
          </fieldset>
          <fieldset>
            <legend>Schedule</legend>
            {field(
              'polling_interval',
              'Every (seconds)',
              <input name="polling_interval" inputMode="numeric" value={values.polling_interval} aria-invalid={errors.polling_interval ? true : undefined} onChange={(event) => set('polling_interval', event.target.value)} />,
              '5 to 86400.'
            )}
            {field(
              'max_rows',
              'At most (rows)',
              <input name="max_rows" inputMode="numeric" value={values.max_rows} aria-invalid={errors.max_rows ? true : undefined} onChange={(event) => set('max_rows', event.target.value)} />,
              `Up to ${MAX_MAX_ROWS.toLocaleString()}; a bigger table is reported as truncated.`
            )}
            <label className="checkbox">
              <input type="checkbox" name="skip_unchanged" checked={values.skip_unchanged} onChange={(event) => set('skip_unchanged', event.target.checked)} />
              Ask for a fingerprint first; skip the transfer when nothing changed
            </label>
            <label className="checkbox">
              <input type="checkbox" name="is_active" checked={values.is_active} onChange={(event) => set('is_active', event.target.checked)} />
              Take snapshots on schedule
            </label>
          </fieldset>
        </div>
        <footer className="dialog-footer">
          <button type="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="primary" disabled={saving}>
            {saving ? 'Checking…' : table ? 'Save' : 'Watch table'}
          </button>
        </footer>
      </form>
    </Dialog>
  )
}
