import { useMemo, useState } from 'react'
import { MAX_MAX_ROWS, OracleTableConfigSchema, OracleTableCreateSchema, type OracleDatabase, type OracleTable } from '../../../../shared/oracle'
import { Dialog } from '../../components/Dialog'
import { fieldsOf, schemaIssues, type Issue } from '../../forms/form-state'
import { controlsOf, FormErrors, FormFooter } from '../../forms/FormField'
import { useForm } from '../../forms/use-form'
import { useLoad } from '../../hooks/use-load'
import { useOracle } from '../../stores/oracle'
import { call } from '../../transport/client'
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

/** The fields with an input; another field's issue is said above the form. */
const FIELDS = fieldsOf(['schema_name', 'table_name', 'columns_to_monitor', 'where_clause', 'order_by', 'polling_interval', 'max_rows', 'skip_unchanged', 'is_active'])

/** The model's own issues first: they say better what the schema would find too. */
function issuesOf(values: TableFormValues, databaseId: number, table?: OracleTable): Issue[] {
  const own = Object.entries(tableFormIssues(values)).map(([field, message]) => ({ field, message: message as string }))
  const schema = table ? schemaIssues(OracleTableConfigSchema, toTableUpdate(values, table)) : schemaIssues(OracleTableCreateSchema, toTableCreate(values, databaseId))
  return [...own, ...schema]
}

/**
 * Add a watched table (picked from the database's dictionary) or change what and how often it
 * is read. The WHERE text is checked by the core (its tokenizer, then the database's parser)
 * when the form is saved, and its verdict is shown at the field.
 */
export function TableForm({ database, table, onClose, onSaved }: { database: OracleDatabase; table?: OracleTable; onClose: () => void; onSaved?: (table: OracleTable) => void }) {
  const { addTable, updateTable } = useOracle()
  const form = useForm<TableFormValues>({
    initial: () => (table ? formFromTable(table) : emptyTableForm()),
    validate: (values) => issuesOf(values, database.id, table),
    save: async (values) => {
      const saved = table ? await updateTable(table.id, toTableUpdate(values, table)) : await addTable(toTableCreate(values, database.id))
      onSaved?.(saved)
      onClose()
    },
    fieldOf: FIELDS
  })
  const { values, setValues, errors, set } = form
  const { field, text, checkbox } = controlsOf(form)
  const [search, setSearch] = useState('')
  // A new table lists the dictionary's; a watched one describes its own columns.
  const discovered = useLoad(() => call('oracle.tables.discover', { database_id: database.id }), [database.id], { lazy: Boolean(table) })
  const describedLoad = useLoad(
    () => (table ? call('oracle.tables.describe', { database_id: database.id, schema_name: table.schema_name, table_name: table.table_name }) : Promise.resolve(null)),
    [database.id, table],
    { lazy: !table, failed: () => ({ data: null }) }
  )
  const described = describedLoad.data

  const pick = async (schemaName: string, tableName: string): Promise<void> => {
    const answer = await describedLoad.load(() => call('oracle.tables.describe', { database_id: database.id, schema_name: schemaName, table_name: tableName }), {
      begin: { error: null },
      failed: () => ({ data: null })
    })
    if (answer?.ok && answer.value) {
      const columns = answer.value
      setValues((current) => withTable(current, columns))
    }
  }

  const shown = useMemo(() => {
    const needle = search.trim().toLowerCase()
    return (discovered.data ?? []).filter((candidate) => !needle || candidate.full_table_name.toLowerCase().includes(needle))
  }, [discovered.data, search])

  const fieldError = (name: string) =>
    errors[name] ? (
      <span className="field-error" role="alert" id={`${name}-error`}>
        {errors[name]}
      </span>
    ) : null
  const chosen = new Set(values.columns)
  const keyless = described !== null && described.primary_key.length === 0
  const title = table ? `Configure ${table.full_table_name}` : `Watch a table of ${database.name}`

  return (
    <Dialog title={title} onClose={onClose} wide>
      <form className="dialog-body form-grid form-grid-2" noValidate onSubmit={form.onSubmit}>
        <FormErrors messages={form.formErrors} />
        <div className="form-column">
          {table ? null : (
            <fieldset>
              <legend>Table</legend>
              {discovered.error ? (
                <p className="form-error" role="alert">
                  Could not list the tables: {discovered.error}
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
                    form.clearErrors()
                    setValues((current) => ({ ...current, schema_name: picked.schema_name, table_name: picked.table_name, columns: [] }))
                    void pick(picked.schema_name, picked.table_name)
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
                    {discovered.data === null && !discovered.error
                      ? 'Reading the data dictionary…'
                      : `${shown.length} of ${discovered.data?.length ?? 0} tables the account can read`}
                  </span>
                )}
              </label>
            </fieldset>
          )}
          <fieldset className="column-picker">
            <legend>Columns</legend>
            {describedLoad.loading ? <p role="status">Reading the columns…</p> : null}
            {describedLoad.error ? (
              <p className="form-error" role="alert">
                Could not read the columns: {describedLoad.error}
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
                            form.clearErrors('columns_to_monitor')
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
              text('order_by', { className: 'mono', spellCheck: false, placeholder: 'column [ASC|DESC], …' }),
              'Known columns only. The key always breaks ties, so the rows kept are the same on every run.'
            )}
          </fieldset>
          <fieldset>
            <legend>Schedule</legend>
            {field(
              'polling_interval',
              'Every (seconds)',
              text('polling_interval', { inputMode: 'numeric' }),
              '5 to 86400.'
            )}
            {field(
              'max_rows',
              'At most (rows)',
              text('max_rows', { inputMode: 'numeric' }),
              `Up to ${MAX_MAX_ROWS.toLocaleString()}; a bigger table is reported as truncated.`
            )}
            {checkbox('skip_unchanged', 'Ask for a fingerprint first; skip the transfer when nothing changed')}
            {checkbox('is_active', 'Take snapshots on schedule')}
          </fieldset>
        </div>
        <FormFooter onClose={onClose} saving={form.saving} label={table ? 'Save' : 'Watch table'} savingLabel="Checking…" />
      </form>
    </Dialog>
  )
}
