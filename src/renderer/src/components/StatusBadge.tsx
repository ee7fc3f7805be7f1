import type { ServerStatus } from '../../../shared/servers'

export function StatusBadge({ status }: { status: ServerStatus }) {
  return <span className={`badge badge-${status}`}>{status}</span>
}
