import { useEffect, useState, type ReactNode } from 'react'
import type { DatabaseView, InstanceView, MaintenanceOperation, MaintenanceTarget, SchemaBrowse, TableUpkeep, TableView, ViewResult } from '../../../../shared/pg-agent'
import { EmptyRow } from '../../components/DataTable'
import { Notices } from '../../components/Notices'
import { useLoad } from '../../hooks/use-load'
import { usePgMaintenance } from '../../stores/postgres-maintenance'
import { useCan } from '../../stores/session'
import { call } from '../../transport/client'
import { BloatBar } from './BloatBar'
import { formatCount, localTime, parseAgentTime } from './format'
import { JobsPanel } from './JobsPanel'
import { OperationDialog } from './OperationDialog'
import { OpenButton, TotalsTable } from './TotalsTable'

interface Path {
  database: string | null
  schema: string | null
  table: string | null
}

type Loaded =
  | { level: 'instance'; view: ViewResult<InstanceView> }
  | { level: 'database'; view: ViewResult<DatabaseView> }
  | { level: 'schema'; view: ViewResult<SchemaBrowse> }
  | { level: 'table'; view: ViewResult<TableView> }

/** What the browser shows at a path: the instance's databases, a database's schemas, a schema's tables, a table. */
async function readLevel(id: number, { database, schema, table }: Path): Promise<Loaded> {
  if (database === null) return { level: 'instance', view: await call('pg.maintenance.instance', { id }) }
  if (schema === null) return { level: 'database', view: await call('pg.maintenance.database', { id, database }) }
  if (table === null) return { level: 'schema', view: await call('pg.maintenance.schema', { id, database, schema }) }
  return { level: 'table', view: await call('pg.maintenance.table', { id, database, schema, table }) }
}

/** The later of a manual and an automatic run, and which it was. */
function lastRun(manual: string | null, auto: string | null): string {
  const m = parseAgentTime(manual)
  const a = parseAgentTime(auto)
  if (m === null && a === null) return 'never'
  if (a !== null && (m === null || a > m)) return `${localTime(a)} (auto)`
  return localTime(m)
}

/** "3 times, last 5/1/2024, 10:00:00" or "never". */
function runs(last: string | null, count: number | null): string {
  const at = parseAgentTime(last)
  if (at === null || !count) return 'never'
  return `${formatCount(count)} time${count === 1 ? '' : 's'}, last ${localTime(at)}`
}

interface OpenDialog {
  target: MaintenanceTarget
  operation: MaintenanceOperation
}

/** database → schema → table/index, with sizes, upkeep and bloat; VACUUM/ANALYZE/REINDEX now or later; the jobs. */
export function MaintenanceTab({ instanceId }: { instanceId: number }) {
  const [path, setPath] = useState<Path>({ database: null, schema: null, table: null })
  const [dialog, setDialog] = useState<OpenDialog | null>(null)
  const [notice, setNotice] = useState<string | null>(null)
  const mayRun = useCan()('pg.maintenance.run')

  useEffect(() => {
    usePgMaintenance.getState().open(instanceId)
    return () => usePgMaintenance.getState().close()
  }, [instanceId])

  const { data: loaded, loading, error } = useLoad(() => readLevel(instanceId, path), [instanceId, path])
  const go = setPath
  /** One button per operation (the table's own page), or one that opens the dialog on the first (a row of a list). */
  const actions = (target: MaintenanceTarget, name: string, operations: readonly MaintenanceOperation[] = ['vacuum', 'analyze', 'reindex'], compact = false) =>
    mayRun ? (
      <span className="row-actions">
        {compact ? (
          <button type="button" onClick={() => setDialog({ target, operation: operations[0] ?? 'vacuum' })} aria-label={`Maintain ${name}`}>
            {operations.length === 1 ? `${operations[0]?.toUpperCase()}…` : 'Maintain…'}
          </button>
        ) : (
          operations.map((operation) => (
            <button key={operation} type="button" onClick={() => setDialog({ target, operation })} aria-label={`${operation.toUpperCase()} ${name}`}>
              {operation.toUpperCase()}
            </button>
          ))
        )}
      </span>
    ) : null

  const crumbs: Array<{ label: string; to: Path }> = [{ label: 'Databases', to: { database: null, schema: null, table: null } }]
  if (path.database) crumbs.push({ label: path.database, to: { database: path.database, schema: null, table: null } })
  if (path.database && path.schema) crumbs.push({ label: path.schema, to: { database: path.database, schema: path.schema, table: null } })
  if (path.database && path.schema && path.table) crumbs.push({ label: path.table, to: path })

  return (
    <div className="pg-maintenance">
      <div className="maintenance-browser">
        <nav className="breadcrumbs" aria-label="Maintenance location">
          {crumbs.map((crumb, index) => (
            <span key={crumb.label + index}>
              {index > 0 ? <span aria-hidden="true"> › </span> : null}
              {index === crumbs.length - 1 ? (
                <strong aria-current="page">{crumb.label}</strong>
              ) : (
                <button type="button" className="link-button crumb" onClick={() => go(crumb.to)}>
                  {crumb.label}
                </button>
              )}
            </span>
          ))}
          {loading ? <span className="hint"> · reading…</span> : null}
        </nav>
        <Notices notice={notice} onDismiss={() => setNotice(null)} error={error} />
        {loaded && loaded.view.warnings.length > 0 ? (
          <ul className="warnings" aria-label="What Vigil cannot tell">
            {loaded.view.warnings.map((warning) => (
              <li key={warning} className="hint">
                {warning}
              </li>
            ))}
          </ul>
        ) : null}

        {loaded?.level === 'instance' ? (
          <TotalsTable
            of="database"
            rows={loaded.view.body.databases.map((database) => ({ ...database, name: database.datname }))}
            onOpen={(database) => go({ database, schema: null, table: null })}
            actions={(database) => actions({ database, schema: null, table: null, index: null }, `database ${database}`, undefined, true)}
            foot={`All databases: ${loaded.view.body.instance.total_size}`}
          />
        ) : null}

        {loaded?.level === 'database' && path.database ? (
          <TotalsTable
            of="schema"
            rows={loaded.view.body.schemas}
            onOpen={(schema) => go({ database: path.database, schema, table: null })}
            empty="No schema with tables here."
            foot={`Database size: ${loaded.view.body.total_size}`}
          />
        ) : null}

        {loaded?.level === 'schema' && path.database && path.schema ? <SchemaTables view={loaded.view.body} path={path} onOpen={(table) => go({ ...path, table })} actions={actions} /> : null}

        {loaded?.level === 'table' && path.database && path.schema && path.table ? (
          <TableDetails view={loaded.view.body} target={{ database: path.database, schema: path.schema, table: path.table, index: null }} actions={actions} />
        ) : null}
      </div>
      <JobsPanel />
      {dialog ? <OperationDialog target={dialog.target} initial={dialog.operation} onClose={() => setDialog(null)} onDone={setNotice} /> : null}
    </div>
  )
}

type Actions = (target: MaintenanceTarget, name: string, operations?: readonly MaintenanceOperation[], compact?: boolean) => ReactNode

function SchemaTables({ view, path, onOpen, actions }: { view: SchemaBrowse; path: Path; onOpen: (table: string) => void; actions: Actions }) {
  const upkeep = new Map<string, TableUpkeep>(view.upkeep.map((row) => [row.name, row]))
  const database = path.database as string
  const schema = path.schema as string
  return (
    <>
      <div className="table-wrap">
        <table className="data-table" aria-label="Tables">
          <thead>
            <tr>
              <th>Table</th>
              <th className="numeric">Total</th>
              <th className="numeric" title="Estimated from the statistics">Rows</th>
              <th className="numeric">Dead tuples</th>
              <th>Last vacuum · analyze</th>
              <th>Bloat</th>
              <th className="col-actions">Maintain</th>
            </tr>
          </thead>
          <tbody>
            {view.tables.map((table) => {
              const stats = upkeep.get(table.name)
              return (
                <tr key={table.name} data-table={table.name}>
                  <td>
                    <OpenButton name={table.name} onOpen={onOpen} />
                    <div className="cell-secondary">
                      table {table.table_size} · indexes {table.index_size} ({table.n_indexes}) · toast {table.toast_size}
                    </div>
                  </td>
                  <td className="numeric">{table.total_size}</td>
                  <td className="numeric">{formatCount(table.row_estimate)}</td>
                  <td className="numeric">{formatCount(stats?.n_dead_tup ?? null)}</td>
                  <td className="upkeep">
                    <div>vacuum {lastRun(stats?.last_vacuum ?? null, stats?.last_autovacuum ?? null)}</div>
                    <div>analyze {lastRun(stats?.last_analyze ?? null, stats?.last_autoanalyze ?? null)}</div>
                  </td>
                  <td>
                    <BloatBar bloat={table.bloat_bytes} total={table.table_bytes} label="Table bloat" />
                  </td>
                  <td className="col-actions">{actions({ database, schema, table: table.name, index: null }, `table ${table.name}`, undefined, true)}</td>
                </tr>
              )
            })}
            {view.tables.length === 0 ? (
              <EmptyRow colSpan={7}>
                No table in this schema.
              </EmptyRow>
            ) : null}
          </tbody>
        </table>
      </div>
      <IndexTable indexes={view.indexes} database={database} schema={schema} actions={actions} />
    </>
  )
}

function IndexTable({ indexes, database, schema, actions }: { indexes: SchemaBrowse['indexes']; database: string; schema: string; actions: Actions }) {
  if (indexes.length === 0) return null
  return (
    <div className="table-wrap index-table">
      <table className="data-table" aria-label="Indexes">
        <thead>
          <tr>
            <th>Index</th>
            <th>Table</th>
            <th className="numeric">Size</th>
            <th className="numeric">Scans</th>
            <th>Bloat</th>
            <th className="col-actions">Maintain</th>
          </tr>
        </thead>
        <tbody>
          {indexes.map((index) => (
            <tr key={index.name} data-index={index.name}>
              <td>
                <div className="cell-primary mono">{index.name}</div>
                <div className="cell-secondary mono index-def">{index.def}</div>
              </td>
              <td>{index.tablename}</td>
              <td className="numeric">{index.total_size}</td>
              <td className="numeric">{formatCount(index.scans)}</td>
              <td>
                <BloatBar bloat={index.bloat_bytes} total={index.total_bytes} label="Index bloat" />
              </td>
              <td className="col-actions">{actions({ database, schema, table: null, index: index.name }, `index ${index.name}`, ['reindex'], true)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  )
}

function TableDetails({ view, target, actions }: { view: TableView; target: MaintenanceTarget; actions: Actions }) {
  return (
    <>
      <div className="table-facts-head">
        <h2 className="mono">
          {view.schemaname}.{view.relname}
        </h2>
        {actions(target, `table ${view.relname}`)}
      </div>
      <dl className="facts pg-table-facts">
        <dt>Size</dt>
        <dd>
          {view.total_size} (table {view.table_size}, indexes {view.index_size}, toast {view.toast_size})
        </dd>
        <dt>Rows</dt>
        <dd>
          {formatCount(view.n_live_tup)} live · {formatCount(view.n_dead_tup)} dead · estimate {formatCount(view.row_estimate)} · {formatCount(view.n_mod_since_analyze)} changed since the last analyze
        </dd>
        <dt>Bloat</dt>
        <dd>
          <BloatBar bloat={view.bloat_bytes} total={view.table_bytes} label="Table bloat" /> · indexes <BloatBar bloat={view.index_bloat_bytes} total={view.index_bytes} label="Index bloat" />
        </dd>
        <dt>Vacuum</dt>
        <dd>
          by hand {runs(view.last_vacuum, view.vacuum_count)} · autovacuum {runs(view.last_autovacuum, view.autovacuum_count)}
        </dd>
        <dt>Analyze</dt>
        <dd>
          by hand {runs(view.last_analyze, view.analyze_count)} · autoanalyze {runs(view.last_autoanalyze, view.autoanalyze_count)}
        </dd>
        <dt>Scans</dt>
        <dd>
          {formatCount(view.seq_scan)} sequential ({formatCount(view.seq_tup_read)} rows read) · {formatCount(view.idx_scan)} by index
        </dd>
        <dt>Writes</dt>
        <dd>
          {formatCount(view.n_tup_ins)} inserted · {formatCount(view.n_tup_upd)} updated ({formatCount(view.n_tup_hot_upd)} HOT) · {formatCount(view.n_tup_del)} deleted · fillfactor {view.fillfactor}
        </dd>
      </dl>
      <IndexTable indexes={view.indexes} database={target.database} schema={target.schema as string} actions={actions} />
    </>
  )
}
