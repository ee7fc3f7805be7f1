import type { AuditTrail } from '../../audit'
import type { MaintenanceEvent } from './scheduler'

const MAINTENANCE_VERBS: Record<Exclude<MaintenanceEvent['type'], 'progress'>, string> = {
  scheduled: 'scheduled',
  started: 'started',
  done: 'finished',
  failed: 'failed',
  cancelled: 'cancelled',
  missed: 'missed (Vigil was not running at its time)'
}

/** Every maintenance job's life in the trail (not its progress samples). */
export function recordMaintenance(audit: AuditTrail, event: MaintenanceEvent): void {
  if (event.type === 'progress') return
  const error = event.type === 'failed' && event.job.error ? `: ${event.job.error}` : ''
  audit.record(event.job.requestedBy ?? 'vigil', event.job.instanceId, `${event.description} ${MAINTENANCE_VERBS[event.type]}${error}`)
}
