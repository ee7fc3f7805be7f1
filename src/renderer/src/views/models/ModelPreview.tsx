import { useEffect, useState } from 'react'
import type { ModelRows } from '../../../../shared/models'
import { Pager } from '../../components/Pager'
import { useAction } from '../../hooks/use-action'
import { useLoad } from '../../hooks/use-load'
import { call, isDesktop } from '../../transport/client'

const PAGE_SIZE = 50

/** Saves a URL as a file through the browser: a link clicked once. */
function download(filename: string, url: string): void {
  const link = document.createElement('a')
  link.href = url
  link.download = filename
  link.click()
}

/** Saves text as a file (the desktop app, whose export comes over IPC): a blob behind a link. */
function downloadText(filename: string, text: string): void {
  const url = URL.createObjectURL(new Blob([text], { type: 'text/csv;charset=utf-8' }))
  download(filename, url)
  setTimeout(() => URL.revokeObjectURL(url), 0)
}

/** What a built model holds, a page at a time, and the whole as CSV. `version` changes when a run rebuilt it; keyed by the model's name. */
export function ModelPreview({ name, version }: { name: string; version: number }) {
  const [page, setPage] = useState(0)
  const rows = useLoad<ModelRows>(() => call('models.rows', { name, offset: page * PAGE_SIZE, limit: PAGE_SIZE }), [name, page])
  const { reload } = rows
  const exporting = useAction()
  // A run rebuilt the model: read the page again.
  useEffect(() => {
    if (version > 0) reload()
  }, [version, reload])

  const exportCsv = async (): Promise<void> => {
    // In a browser the platform API's streamed CSV goes straight to the download (the session
    // cookie authenticates it), never whole in the page's memory.
    if (!isDesktop) return download(`${name}.csv`, `/api/dbt/models/${encodeURIComponent(name)}/csv`)
    const answer = await exporting.run(() => call('models.csv', { name }))
    if (answer.ok) downloadText(answer.value.filename, answer.value.text)
  }

  const data = rows.data
  const first = data && data.total > 0 ? data.offset + 1 : 0
  const last = data ? data.offset + data.rows.length : 0
  return (
    <section className="model-preview" aria-label={`Rows of ${name}`}>
      <header className="model-preview-header">
        <h2>Rows of {name}</h2>
        <button type="button" onClick={() => void exportCsv()} disabled={exporting.pending || !data}>
          Export CSV
        </button>
      </header>
      {rows.error ? <p className="hint">{rows.error}</p> : null}
      {exporting.error ? <p className="form-error">{exporting.error}</p> : null}
      {data ? (
        <>
          <div className="table-wrap">
            <table className="data-table model-rows" aria-busy={rows.loading}>
              <thead>
                <tr>
                  {data.columns.map((column) => (
                    <th key={column}>{column}</th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {data.rows.map((row, index) => (
                  <tr key={data.offset + index}>
                    {row.map((value, c) => (
                      <td key={c} className={typeof value === 'number' ? 'num' : undefined}>
                        {value === null ? <span className="hint">null</span> : typeof value === 'number' ? formatNumber(value) : value}
                      </td>
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <Pager
            summary={`${first.toLocaleString()}–${last.toLocaleString()} of ${data.total.toLocaleString()} rows`}
            page={page}
            hasPrevious={page > 0}
            hasNext={last < data.total}
            onPage={setPage}
          />
        </>
      ) : null}
    </section>
  )
}

function formatNumber(value: number): string {
  return Number.isInteger(value) ? String(value) : value.toFixed(Math.abs(value) < 1 ? 4 : 2)
}
