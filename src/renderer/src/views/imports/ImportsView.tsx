import { useEffect, useState, type FormEvent } from 'react'
import type { CsvFiles, ImportSourceView, ImportType } from '../../../../shared/imports'
import type { SourceStatus } from '../../../../shared/platform'
import { ActionsHeader, EmptyRow } from '../../components/DataTable'
import { ConfirmDialog, Dialog } from '../../components/Dialog'
import { Notices } from '../../components/Notices'
import { useAction } from '../../hooks/use-action'
import { useLoad } from '../../hooks/use-load'
import { useImports } from '../../stores/imports'
import { useCan } from '../../stores/session'
import { call, subscribe } from '../../transport/client'
import { uploadFile } from './upload'

const TYPE_LABEL: Record<ImportType, string> = { csv_metrics: 'metrics CSV', csv_table: 'table CSV', nmon: 'nmon recordings' }
const DOT: Record<SourceStatus, string> = { synced: 'dot-ok', syncing: 'dot-pending', failed: 'dot-bad', empty: 'dot-off', not_synced: 'dot-off', unknown: 'dot-off' }

/** Import sources (issue 17 item 3): create one, upload files with progress, see what each import did, sync, delete. */
export function ImportsView() {
  const loaded = useImports()
  const action = useAction()
  const can = useCan()
  const [creating, setCreating] = useState(false)
  const [removing, setRemoving] = useState<ImportSourceView | null>(null)
  const [open, setOpen] = useState<string | null>(null)
  const [version, setVersion] = useState(0)
  const reload = (): Promise<void> => useImports.getState().load()

  useEffect(() => {
    void useImports.getState().load()
    // Uploads, syncs and their outcomes arrive as platform events.
    return subscribe('platform.event', () => {
      void useImports.getState().load()
      setVersion((value) => value + 1)
    })
  }, [])

  const run = async (work: () => Promise<unknown>): Promise<boolean> => {
    const answer = await action.run(work)
    await reload()
    setVersion((value) => value + 1)
    return answer.ok
  }

  return (
    <section className="view" aria-labelledby="imports-title">
      <header className="view-header">
        <h1 id="imports-title">Imports</h1>
        {can('imports.create') && (
          <button type="button" className="primary" onClick={() => setCreating(true)}>
            New import source
          </button>
        )}
      </header>
      <p className="hint">
        Metrics CSVs go into the series store (query them in Explore), table CSVs into a table of <code>imports.db</code> for models, nmon recordings into a server’s history. Files can also be put in
        the drop folder <code>drop/&lt;source&gt;/</code> of the data directory.
      </p>
      <Notices error={action.error ?? loaded.error} />
      <div className="table-wrap">
        <table className="data-table imports" aria-label="Import sources" aria-busy={loaded.loading}>
          <thead>
            <tr>
              <th scope="col">Source</th>
              <th scope="col">Status</th>
              <th scope="col" className="num">
                Rows
              </th>
              <th scope="col">Last error</th>
              <ActionsHeader />
            </tr>
          </thead>
          <tbody>
            {(loaded.imports ?? []).map((source) => {
              const state = loaded.states[source.name]
              return (
                <tr key={source.name} data-import={source.name}>
                  <td>
                    <div className="cell-primary">{source.name}</div>
                    <div className="cell-secondary">{TYPE_LABEL[source.type]}</div>
                  </td>
                  <td data-status={state?.status}>
                    {state ? <span className={`dot ${DOT[state.status]}`} /> : null}
                    {state?.status.replace('_', ' ') ?? '…'}
                  </td>
                  <td className="num">{state?.row_count.toLocaleString() ?? ''}</td>
                  <td className="state-error collection-error">{state?.last_error ?? ''}</td>
                  <td className="col-actions">
                    <span className="row-actions">
                      <button type="button" onClick={() => setOpen(open === source.name ? null : source.name)} aria-expanded={open === source.name} aria-label={`Files of ${source.name}`}>
                        Files
                      </button>
                      {can('sources.sync') && (
                        <button type="button" disabled={state?.status === 'syncing'} onClick={() => void run(() => call('sources.sync', { name: source.name }))} aria-label={`Sync ${source.name} now`}>
                          Sync now
                        </button>
                      )}
                      {can('imports.delete') && (
                        <button type="button" className="danger" onClick={() => setRemoving(source)} aria-label={`Delete ${source.name}`}>
                          Delete
                        </button>
                      )}
                    </span>
                  </td>
                </tr>
              )
            })}
            {loaded.imports?.length === 0 ? <EmptyRow colSpan={5}>No import source yet: create one, then upload CSV files or nmon recordings to it.</EmptyRow> : null}
          </tbody>
        </table>
      </div>
      {open && loaded.imports?.some((source) => source.name === open) ? <FilesPanel key={open} name={open} version={version} run={run} /> : null}
      {creating ? (
        <CreateDialog
          servers={loaded.servers}
          error={action.error}
          onClose={() => setCreating(false)}
          onCreate={async (body) => {
            const ok = await run(() => call('imports.create', body))
            if (ok) {
              setCreating(false)
              setOpen(String(body.name))
            }
          }}
        />
      ) : null}
      {removing ? (
        <ConfirmDialog
          title={`Delete import source ${removing.name}`}
          message={
            removing.type === 'csv_table'
              ? 'Its files and its table in imports.db are deleted.'
              : removing.type === 'nmon'
                ? 'Its files are deleted, and the server history they imported (collected samples stay).'
                : 'Its files are deleted, and the samples they imported.'
          }
          confirmLabel="Delete"
          danger
          onConfirm={async () => {
            await run(() => call('imports.delete', { name: removing.name }))
            if (open === removing.name) setOpen(null)
          }}
          onClose={() => setRemoving(null)}
        />
      ) : null}
    </section>
  )
}

function FilesPanel({ name, version, run }: { name: string; version: number; run: (work: () => Promise<unknown>) => Promise<boolean> }) {
  const files = useLoad<CsvFiles>(() => call('imports.files', { name }), [name])
  const { reload } = files
  const [progress, setProgress] = useState<{ file: string; share: number } | null>(null)
  const [importNow, setImportNow] = useState(true)
  const can = useCan()
  useEffect(() => {
    if (version > 0) reload()
  }, [version, reload])

  const upload = async (event: FormEvent<HTMLFormElement>): Promise<void> => {
    event.preventDefault()
    const input = event.currentTarget.elements.namedItem('file') as HTMLInputElement
    const file = input.files?.[0]
    if (!file) return
    setProgress({ file: file.name, share: 0 })
    await run(() => uploadFile(name, file, importNow, (share) => setProgress({ file: file.name, share })))
    setProgress(null)
    input.value = ''
    reload()
  }

  return (
    <section className="import-files" aria-label={`Files of ${name}`}>
      <h2>Files of {name}</h2>
      {can('imports.uploadChunk') && (
        <form className="toolbar" onSubmit={(event) => void upload(event)} aria-label={`Upload a file to ${name}`}>
          <input type="file" name="file" aria-label="File to upload" accept={files.data?.file_pattern === '*.nmon' ? '.nmon,.txt' : '.csv,.txt,.tsv'} />
          <label>
            <input type="checkbox" checked={importNow} onChange={(event) => setImportNow(event.target.checked)} /> import at once
          </label>
          <button type="submit" className="primary" disabled={progress !== null}>
            Upload
          </button>
          {progress ? (
            <span className="job-progress" role="status">
              <progress max={1} value={progress.share} aria-label={`Uploading ${progress.file}`} />
              <span className="cell-secondary">
                {progress.file}: {Math.round(progress.share * 100)} %
              </span>
            </span>
          ) : null}
        </form>
      )}
      {files.error ? <p className="state-error">{files.error}</p> : null}
      <div className="table-wrap">
        <table className="data-table" aria-label={`Uploaded files of ${name}`}>
          <thead>
            <tr>
              <th scope="col">File</th>
              <th scope="col">Status</th>
              <th scope="col" className="num">
                Size
              </th>
              <th scope="col" className="num">
                Rows
              </th>
              <th scope="col">Bad rows</th>
              <ActionsHeader />
            </tr>
          </thead>
          <tbody>
            {(files.data?.files ?? []).map((file) => (
              <tr key={file.filename} data-file={file.filename}>
                <td>
                  <div className="cell-primary">{file.filename}</div>
                  <div className="cell-secondary">{file.modified ? new Date(file.modified).toLocaleString() : ''}</div>
                </td>
                <td data-status={file.status}>{file.on_disk ? file.status : `${file.status} (file gone)`}</td>
                <td className="num">{file.size.toLocaleString()}</td>
                <td className="num">{file.rows_loaded.toLocaleString()}</td>
                <td className="file-errors">
                  {file.bad_rows > 0 ? <div>{file.bad_rows === 1 ? '1 bad row' : `${file.bad_rows.toLocaleString()} bad rows`}</div> : null}
                  {file.errors.length > 0 ? (
                    <ul className="mono">
                      {file.errors.slice(0, 5).map((error) => (
                        <li key={`${error.line}-${error.message}`}>
                          line {error.line}: {error.message}
                        </li>
                      ))}
                    </ul>
                  ) : null}
                </td>
                <td className="col-actions">
                  {can('imports.deleteFile') && (
                    <button type="button" className="danger" aria-label={`Delete ${file.filename}`} onClick={() => void run(() => call('imports.deleteFile', { name, file_path: file.path }))}>
                      Delete
                    </button>
                  )}
                </td>
              </tr>
            ))}
            {files.data?.files.length === 0 ? <EmptyRow colSpan={6}>No file yet.</EmptyRow> : null}
          </tbody>
        </table>
      </div>
    </section>
  )
}

interface CreateProps {
  servers: Array<{ hostId: string; hostNm: string; svrIp: string }>
  error: string | null
  onClose: () => void
  onCreate: (body: Record<string, unknown>) => Promise<void>
}

const list = (text: string): string[] | undefined => {
  const items = text
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean)
  return items.length > 0 ? items : undefined
}

function CreateDialog({ servers, error, onClose, onCreate }: CreateProps) {
  const [type, setType] = useState<ImportType>('csv_metrics')
  const submit = async (event: FormEvent<HTMLFormElement>): Promise<void> => {
    event.preventDefault()
    const form = new FormData(event.currentTarget)
    const text = (field: string): string => String(form.get(field) ?? '').trim()
    const body: Record<string, unknown> = { name: text('name'), type }
    if (form.get('skip_bad_rows') === 'on') body.skip_bad_rows = true
    if (type === 'csv_metrics') {
      body.timestamp_column = text('timestamp_column')
      body.timestamp_format = text('timestamp_format')
      const labels = list(text('label_columns'))
      const values = list(text('value_columns'))
      if (labels) body.label_columns = labels
      if (values) body.value_columns = values
      if (text('metric_prefix')) body.metric_prefix = text('metric_prefix')
    }
    if (type !== 'nmon' && text('delimiter')) body.delimiter = text('delimiter') === 'tab' ? '\t' : text('delimiter')
    if (type === 'nmon') {
      body.server_id = text('server_id')
      if (text('utc_offset')) body.utc_offset = text('utc_offset')
    }
    await onCreate(body)
  }
  return (
    <Dialog title="New import source" onClose={onClose} wide>
      <form className="dialog-body form-grid" onSubmit={(event) => void submit(event)} aria-label="New import source">
        <label className="field">
          <span className="field-label">Name</span>
          <input name="name" required pattern="[a-z][a-z0-9_]{0,62}" placeholder="sales_2024" />
        </label>
        <label className="field">
          <span className="field-label">Type</span>
          <select name="type" value={type} onChange={(event) => setType(event.target.value as ImportType)}>
            <option value="csv_metrics">Metrics CSV → series store</option>
            <option value="csv_table">Table CSV → imports.db</option>
            <option value="nmon">nmon recordings → server history</option>
          </select>
        </label>
        {type !== 'nmon' ? (
          <label className="field">
            <span className="field-label">Delimiter</span>
            <select name="delimiter" defaultValue=",">
              <option value=",">,</option>
              <option value=";">;</option>
              <option value="tab">tab</option>
              <option value="|">|</option>
            </select>
          </label>
        ) : null}
        {type === 'csv_metrics' ? (
          <>
            <label className="field">
              <span className="field-label">Timestamp column</span>
              <input name="timestamp_column" required placeholder="time" />
            </label>
            <label className="field">
              <span className="field-label">Timestamp format</span>
              <select name="timestamp_format" defaultValue="iso">
                <option value="iso">ISO 8601 (UTC without a zone)</option>
                <option value="unix">Unix seconds</option>
                <option value="unix_ms">Unix milliseconds</option>
              </select>
            </label>
            <label className="field">
              <span className="field-label">Label columns</span>
              <input name="label_columns" placeholder="host, region" />
            </label>
            <label className="field">
              <span className="field-label">Value columns</span>
              <input name="value_columns" placeholder="all the others" />
            </label>
            <label className="field">
              <span className="field-label">Metric name prefix</span>
              <input name="metric_prefix" placeholder="app_" />
            </label>
          </>
        ) : null}
        {type === 'nmon' ? (
          <>
            <label className="field">
              <span className="field-label">Server</span>
              <select name="server_id" required>
                {servers.map((server) => (
                  <option key={server.hostId} value={server.hostId}>
                    {server.hostNm} ({server.svrIp})
                  </option>
                ))}
              </select>
            </label>
            <label className="field">
              <span className="field-label">Recording host’s UTC offset</span>
              <input name="utc_offset" placeholder="this machine’s zone" pattern="[+\-]\d\d:\d\d" />
            </label>
          </>
        ) : null}
        <label className="field">
          <span className="field-label">Bad rows</span>
          <span>
            <input type="checkbox" name="skip_bad_rows" /> skip them (else a file with bad rows is refused)
          </span>
        </label>
        {error ? <p className="form-error">{error}</p> : null}
        <footer className="dialog-footer">
          <button type="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="primary">
            Create
          </button>
        </footer>
      </form>
    </Dialog>
  )
}
