import { useEffect, useState } from 'react'
import type { ModelDetail } from '../../../../shared/models'
import { ActionsHeader, EmptyRow } from '../../components/DataTable'
import { Notices } from '../../components/Notices'
import { useAction } from '../../hooks/use-action'
import { useLoad } from '../../hooks/use-load'
import { useModels } from '../../stores/models'
import { useCan } from '../../stores/session'
import { call, subscribe } from '../../transport/client'
import { ModelEditor } from './ModelEditor'
import { ModelGraph, STATUS_DOT } from './ModelGraph'
import { ModelPreview } from './ModelPreview'
import './models.css'

/** SQL models (issue 17): the list, the dependency graph, an editor, runs with cascade, the rows built and their CSV. */
export function ModelsView() {
  const { models, loading, error, load } = useModels()
  const [selected, setSelected] = useState<string | null>(null)
  const [creating, setCreating] = useState(false)
  /** Bumped by each run's end, so the preview reads the rebuilt rows. */
  const [version, setVersion] = useState(0)
  const [notice, setNotice] = useState<string | null>(null)
  const action = useAction()
  const can = useCan()
  const detail = useLoad<ModelDetail | null>(() => (selected ? call('models.get', { name: selected }) : Promise.resolve(null)), [selected])
  const { reload: reloadDetail } = detail
  const running = (models ?? []).some((model) => model.status === 'running') || action.pending

  useEffect(() => {
    void load()
    // Each model of a run starts and ends as a platform event.
    return subscribe('platform.event', (event) => {
      if (!event.type.startsWith('dbt_')) return
      void load()
      if (event.type !== 'dbt_run_started') {
        reloadDetail()
        setVersion((value) => value + 1)
      }
      if (event.type === 'dbt_run_failed') setNotice(`Model ${event.model} failed: ${event.error}`)
      if (event.type === 'dbt_run_completed') setNotice(`Model ${event.model} built: ${event.rows.toLocaleString()} rows in ${event.duration_seconds} s`)
    })
  }, [load, reloadDetail])

  const select = (name: string): void => {
    setCreating(false)
    setSelected(name)
  }
  const run = async (name: string, cascade: boolean): Promise<void> => {
    const answer = await action.run(() => call('models.run', { name, cascade }))
    if (answer.ok) setNotice(`Run started: ${answer.value.models.join(' → ')}`)
  }
  // A model run once has (or had) rows to show; the preview says so when a failed first run left none.
  const built = Boolean(detail.data?.last_run)

  return (
    <section className="view" aria-labelledby="models-title">
      <header className="view-header">
        <h1 id="models-title">Models</h1>
        <div>
          {can('models.save') && (
            <button
              type="button"
              className="primary"
              onClick={() => {
                setSelected(null)
                setCreating(true)
              }}
            >
              New model
            </button>
          )}{' '}
          <button type="button" onClick={() => void load()}>
            Refresh
          </button>
        </div>
      </header>
      <Notices notice={notice} onDismiss={() => setNotice(null)} error={action.error ?? error ?? detail.error} />
      <div className="models-layout">
        <div className="table-wrap">
          <table className="data-table models" aria-busy={loading}>
            <thead>
              <tr>
                <th>Model</th>
                <th>Status</th>
                <th className="num">Rows</th>
                <th>Last run</th>
                <ActionsHeader />
              </tr>
            </thead>
            <tbody>
              {(models ?? []).map((model) => (
                <tr key={model.name} data-model={model.name} aria-selected={selected === model.name} className={selected === model.name ? 'selected' : undefined}>
                  <td>
                    <button type="button" className="link-button cell-primary" onClick={() => select(model.name)}>
                      {model.name}
                    </button>
                    <div className="cell-secondary">
                      {model.materialization}
                      {model.description ? ` · ${model.description}` : ''}
                    </div>
                  </td>
                  <td data-status={model.status}>
                    <span className={`dot ${STATUS_DOT[model.status]}`} />
                    {model.status.replace('_', ' ')}
                  </td>
                  <td className="num">{model.last_run?.rows?.toLocaleString() ?? ''}</td>
                  <td>
                    {model.last_run ? new Date(model.last_run.started_at).toLocaleString() : 'never'}
                    {model.last_run?.duration_seconds !== null && model.last_run ? <div className="cell-secondary">{model.last_run.duration_seconds} s</div> : null}
                  </td>
                  <td className="col-actions">
                    {can('models.run') && (
                      <button type="button" onClick={() => void run(model.name, true)} disabled={running} aria-label={`Run ${model.name}`}>
                        Run
                      </button>
                    )}
                  </td>
                </tr>
              ))}
              {!loading && models?.length === 0 ? <EmptyRow colSpan={5}>No model yet: New model writes a SELECT over Vigil’s store into models/NAME.sql.</EmptyRow> : null}
            </tbody>
          </table>
        </div>
        <div className="model-side">
          {creating ? (
            <ModelEditor
              key="new"
              model={null}
              running={running}
              onSaved={(model) => {
                void load()
                select(model.name)
              }}
              onDeleted={() => undefined}
              onRun={(name, cascade) => void run(name, cascade)}
            />
          ) : detail.data ? (
            <ModelEditor
              key={detail.data.name}
              model={detail.data}
              running={running}
              onSaved={(model) => {
                void load()
                detail.setData(model)
              }}
              onDeleted={() => {
                setSelected(null)
                void load()
              }}
              onRun={(name, cascade) => void run(name, cascade)}
            />
          ) : (
            <p className="hint">Pick a model to edit it, or make a new one.</p>
          )}
        </div>
      </div>
      {models && models.length > 0 ? (
        <section aria-labelledby="model-graph-title">
          <h2 id="model-graph-title">Dependencies</h2>
          <ModelGraph models={models} selected={selected} onSelect={select} />
        </section>
      ) : null}
      {selected && !creating && built ? <ModelPreview key={selected} name={selected} version={version} /> : null}
    </section>
  )
}
