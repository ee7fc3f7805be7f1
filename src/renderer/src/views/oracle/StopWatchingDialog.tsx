import type { OracleTable } from '../../../../shared/oracle'
import { ConfirmDialog } from '../../components/Dialog'

/** Asks before a watched table is dropped from Vigil, from its database's list or its own page. */
export function StopWatchingDialog({ table, onConfirm, onClose }: { table: OracleTable; onConfirm: () => Promise<unknown>; onClose: () => void }) {
  return (
    <ConfirmDialog
      title={`Stop watching ${table.full_table_name}?`}
      message={<p>Its snapshots and tasks are removed from Vigil. The table itself is not touched.</p>}
      confirmLabel="Remove"
      danger
      onConfirm={onConfirm}
      onClose={onClose}
    />
  )
}
