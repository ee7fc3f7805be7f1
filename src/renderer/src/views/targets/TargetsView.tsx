import { useEffect, useState, type FormEvent } from 'react'
import { SCRAPE_RESULT_NAMES, type CollectionServer, type CollectionTarget, type Workspace, type WorkspaceInput } from '../../../../shared/scrape'
import { exploreHref, targetQuery } from '../../charts/explore-links'
import { ActionsHeader, EmptyRow } from '../../components/DataTable'
import { ConfirmDialog, Dialog } from '../../components/Dialog'
import { Notices } from '../../components/Notices'
import { useAction } from '../../hooks/use-action'
import { useTargets } from '../../stores/targets'
import { useCan } from '../../stores/session'
import { call } from '../../transport/client'

/** Health is read again this often while the page is open (a target's scrape interval is 15 s by default). */
const REFRESH_MS = 5000

/** OpenMetrics workspaces (Prometheus jobs) and their targets, with each target's health as Prometheus' targets page shows it. */
export function TargetsView() {
  const loaded = useTargets()
  const [editing, setEditing] = useState<{ workspace?: Workspace } | null>(null)
  const [removing, setRemoving] = useState<Workspace | null>(null)
  const action = useAction()
  const can = useCan()
  const reload = (): Promise<void> => useTargets.getState().load()

  useEffect(() => {
    void useTargets.getState().load()
    const timer = setInterval(() => void useTargets.getState().load(), REFRESH_MS)
    return () => clearInterval(timer)
  }, [])

  const run = async (work: () => Promise<unknown>): Promise<boolean> => {
    const answer = await action.run(work)
    await reload()
    return answer.ok
  }

  const own = loaded.workspaces?.filter((w) => w.reservedJobCd === null) ?? []
  const reserved = loaded.workspaces?.filter((w) => w.reservedJobCd !== null) ?? []
  return (
    <section className="view" aria-labelledby="targets-title">
      <header className="view-header">
        <h1 id="targets-title">Scrape targets</h1>
        {can('scrape.createWorkspace') && (
          <button type="button" className="primary" onClick={() => setEditing({})}>
            Add workspace
          </button>
        )}
      </header>
      <p className="hint">
        A workspace is a Prometheus job: a name (the <code>job</code> label) and a metrics path. Each target is a registered server and a port; Vigil
        scrapes <code>http://address:port/path</code> and stores its series next to its own. Project id for the sysmon API: <code>default</code>.
      </p>
      <Notices error={action.error ?? loaded.error} />
      {loaded.workspaces === null ? <p className="hint">Loading…</p> : null}
      {loaded.workspaces !== null && own.length === 0 ? <p className="empty-state">No workspace yet. Add one, then add the servers whose exporters it scrapes (node_exporter listens on 9100).</p> : null}
      {own.map((workspace) => (
        <WorkspacePanel
          key={workspace.jobId}
          workspace={workspace}
          targets={loaded.targets[workspace.jobId] ?? []}
          servers={loaded.servers}
          run={run}
          onEdit={() => setEditing({ workspace })}
          onRemove={() => setRemoving(workspace)}
        />
      ))}
      {reserved.map((workspace) => (
        <p key={workspace.jobId} className="hint" data-testid="reserved-workspace">
          <strong>{workspace.jobName}</strong>: {workspace.description}
        </p>
      ))}
      {editing ? (
        <WorkspaceDialog
          workspace={editing.workspace}
          onClose={() => setEditing(null)}
          onSave={async (input) => {
            const ok = await run(() => (editing.workspace ? call('scrape.updateWorkspace', { jobId: editing.workspace.jobId, changes: input }) : call('scrape.createWorkspace', input)))
            if (ok) setEditing(null)
            return ok
          }}
          error={action.error}
        />
      ) : null}
      {removing ? (
        <ConfirmDialog
          title={`Remove workspace ${removing.jobName}`}
          message={`Its ${loaded.targets[removing.jobId]?.length ?? 0} target(s) stop being scraped; the series already stored stay.`}
          confirmLabel="Remove"
          danger
          onConfirm={async () => {
            await run(() => call('scrape.deleteWorkspace', { jobId: removing.jobId }))
            setRemoving(null)
          }}
          onClose={() => setRemoving(null)}
        />
      ) : null}
    </section>
  )
}

interface PanelProps {
  workspace: Workspace
  targets: CollectionTarget[]
  servers: CollectionServer[]
  run: (work: () => Promise<unknown>) => Promise<boolean>
  onEdit: () => void
  onRemove: () => void
}

function WorkspacePanel({ workspace, targets, servers, run, onEdit, onRemove }: PanelProps) {
  const [hostId, setHostId] = useState('')
  const [port, setPort] = useState('9100')
  const [scraping, setScraping] = useState<string | null>(null)
  const can = useCan()
  const titleId = `workspace-${workspace.jobId}`
  const add = async (event: FormEvent): Promise<void> => {
    event.preventDefault()
    if (await run(() => call('scrape.addTarget', { jobId: workspace.jobId, hostId: hostId || (servers[0]?.hostId ?? ''), port: Number(port) }))) setPort('9100')
  }
  const up = targets.filter((t) => t.mntrnStatCd === 'UP').length
  return (
    <section className="workspace" aria-labelledby={titleId} data-job={workspace.jobName}>
      <header className="table-facts-head">
        <h2 id={titleId}>
          {workspace.jobName}{' '}
          <span className="cell-secondary">
            {workspace.metricsPath} · every {workspace.scrapeIntervalSec} s · timeout {workspace.scrapeTimeoutSec} s{workspace.honorLabels ? ' · honor_labels' : ''} · {up}/
            {targets.length} up
          </span>
        </h2>
        <span className="row-actions">
          {can('scrape.updateWorkspace') && (
            <button type="button" onClick={onEdit}>
              Edit
            </button>
          )}
          {can('scrape.deleteWorkspace') && (
            <button type="button" className="danger" onClick={onRemove}>
              Remove
            </button>
          )}
        </span>
      </header>
      {workspace.description ? <p className="hint">{workspace.description}</p> : null}
      <div className="table-wrap">
        <table className="data-table" aria-label={`Targets of ${workspace.jobName}`}>
          <thead>
            <tr>
              <th scope="col">Endpoint</th>
              <th scope="col">State</th>
              <th scope="col">Last scrape</th>
              <th scope="col">Duration</th>
              <th scope="col">Samples</th>
              <th scope="col">Error</th>
              <ActionsHeader />
            </tr>
          </thead>
          <tbody>
            {targets.length === 0 ? <EmptyRow colSpan={7}>No targets yet.</EmptyRow> : null}
            {targets.map((target) => (
              <tr key={target.targetId} data-target={target.targetId}>
                <td>
                  <div className="cell-primary">{target.hostNm}</div>
                  <div className="cell-secondary mono">{target.scrapeUrl}</div>
                </td>
                <td>
                  <HealthBadge target={target} />
                </td>
                <td>{target.lastScrapeYmdt ? <time dateTime={`${target.lastScrapeYmdt}Z`}>{new Date(`${target.lastScrapeYmdt}Z`).toLocaleTimeString()}</time> : '—'}</td>
                <td>{target.lastScrapeDurationSec === null ? '—' : `${(target.lastScrapeDurationSec * 1000).toFixed(1)} ms`}</td>
                <td>{target.lastScrapeSamples ?? '—'}</td>
                <td className="target-error">{target.failReason ?? ''}</td>
                <td className="col-actions">
                  <span className="row-actions">
                    {can('scrape.scrapeNow') && (
                      <button
                        type="button"
                        disabled={scraping === target.targetId}
                        onClick={async () => {
                          setScraping(target.targetId)
                          await run(() => call('scrape.scrapeNow', { jobId: workspace.jobId, targetId: target.targetId }))
                          setScraping(null)
                        }}
                      >
                        {scraping === target.targetId ? 'Scraping…' : 'Scrape now'}
                      </button>
                    )}
                    <a className="button" href={exploreHref(targetQuery(workspace.jobName, `${hostPart(target.svrIp)}:${target.port}`), 3600)}>
                      Explore
                    </a>
                    {can('scrape.removeTarget') && (
                      <button type="button" className="danger" onClick={() => void run(() => call('scrape.removeTarget', { jobId: workspace.jobId, targetId: target.targetId }))}>
                        Remove
                      </button>
                    )}
                  </span>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {can('scrape.addTarget') && (
        <form className="toolbar add-target" onSubmit={(event) => void add(event)} aria-label={`Add a target to ${workspace.jobName}`}>
          <select aria-label="Server" value={hostId} onChange={(event) => setHostId(event.target.value)} disabled={servers.length === 0}>
            {servers.length === 0 ? <option value="">No registered servers</option> : null}
            {servers.map((server) => (
              <option key={server.hostId} value={server.hostId}>
                {server.hostNm} ({server.svrIp})
              </option>
            ))}
          </select>
          <input aria-label="Port" inputMode="numeric" value={port} onChange={(event) => setPort(event.target.value)} size={6} />
          <button type="submit" disabled={servers.length === 0}>
            Add target
          </button>
        </form>
      )}
    </section>
  )
}

function HealthBadge({ target }: { target: CollectionTarget }) {
  if (target.mntrnStatCd === null) return <span className="badge badge-inactive">pending</span>
  if (target.mntrnStatCd === 'UP') return <span className="badge badge-active">up</span>
  return (
    <span className="badge badge-error" title={SCRAPE_RESULT_NAMES[target.resultCd ?? -1] ?? ''}>
      down
    </span>
  )
}

function hostPart(address: string): string {
  return address.includes(':') && !address.startsWith('[') ? `[${address}]` : address
}

interface DialogProps {
  workspace?: Workspace
  error: string | null
  onClose: () => void
  onSave: (input: WorkspaceInput) => Promise<boolean>
}

function WorkspaceDialog({ workspace, error, onClose, onSave }: DialogProps) {
  const [jobName, setJobName] = useState(workspace?.jobName ?? '')
  const [metricsPath, setMetricsPath] = useState(workspace?.metricsPath ?? '/metrics')
  const [description, setDescription] = useState(workspace?.description ?? '')
  const [interval, setInterval_] = useState(String(workspace?.scrapeIntervalSec ?? 15))
  const [timeout, setTimeout_] = useState(String(workspace?.scrapeTimeoutSec ?? 10))
  const [honorLabels, setHonorLabels] = useState(workspace?.honorLabels ?? false)
  // Write-only: empty keeps the stored token (or none).
  const [bearerToken, setBearerToken] = useState('')
  const submit = async (event: FormEvent): Promise<void> => {
    event.preventDefault()
    await onSave({
      ...(workspace ? {} : { jobName }),
      metricsPath,
      description: description === '' ? null : description,
      scrapeIntervalSec: Number(interval),
      scrapeTimeoutSec: Number(timeout),
      honorLabels,
      ...(bearerToken === '' ? {} : { bearerToken })
    })
  }
  return (
    <Dialog title={workspace ? `Edit workspace ${workspace.jobName}` : 'Add workspace'} onClose={onClose}>
      <form onSubmit={(event) => void submit(event)}>
        <div className="dialog-body form-grid">
          <label className="field">
            <span className="field-label">Name (job label)</span>
            <input value={jobName} onChange={(event) => setJobName(event.target.value)} disabled={workspace !== undefined} required />
          </label>
          <label className="field">
            <span className="field-label">Metrics path</span>
            <input value={metricsPath} onChange={(event) => setMetricsPath(event.target.value)} required />
          </label>
          <label className="field">
            <span className="field-label">Description</span>
            <input value={description} onChange={(event) => setDescription(event.target.value)} />
          </label>
          <label className="field">
            <span className="field-label">Interval (s)</span>
            <input inputMode="decimal" value={interval} onChange={(event) => setInterval_(event.target.value)} />
          </label>
          <label className="field">
            <span className="field-label">Timeout (s)</span>
            <input inputMode="decimal" value={timeout} onChange={(event) => setTimeout_(event.target.value)} />
          </label>
          <label className="field">
            <span className="field-label">honor_labels</span>
            <input type="checkbox" checked={honorLabels} onChange={(event) => setHonorLabels(event.target.checked)} />
          </label>
          <label className="field">
            <span className="field-label">Bearer token</span>
            <input
              type="password"
              autoComplete="off"
              placeholder={workspace?.hasBearerToken ? 'Set (leave empty to keep it)' : 'None'}
              value={bearerToken}
              onChange={(event) => setBearerToken(event.target.value)}
            />
          </label>
          {error ? (
            <p className="form-error" role="alert">
              {error}
            </p>
          ) : null}
        </div>
        <footer className="dialog-footer">
          <button type="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="primary">
            {workspace ? 'Save' : 'Add workspace'}
          </button>
        </footer>
      </form>
    </Dialog>
  )
}
