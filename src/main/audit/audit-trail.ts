import type { Notification } from '../../shared/pg-agent'
import type { EventBus } from '../base/bus'
import type { AuditRepo, AuditRow } from './audit-repo'

/** How many entries `/notifications` returns, newest first. */
export const NOTIFICATIONS_LIMIT = 200
/** How long entries are kept. */
export const AUDIT_RETENTION_MS = 400 * 86_400_000

export type { Notification } from '../../shared/pg-agent'

/** The trail of every action taken on an instance: what `/notifications` answers. */
export class AuditTrail {
  constructor(
    private readonly repo: AuditRepo,
    private readonly bus: EventBus | null = null,
    private readonly now: () => number = Date.now
  ) {}

  record(username: string, instanceId: number | null, message: string): void {
    const ts = this.now()
    this.repo.add({ ts, username, instance_id: instanceId, message })
    this.repo.deleteBefore(ts - AUDIT_RETENTION_MS)
    this.bus?.publish('audit.recorded', { instanceId, username, message, date: agentDate(ts) })
  }

  /** The newest entries, newest first, as stored (the platform API's activity log). */
  recent(limit: number): AuditRow[] {
    return this.repo.recent(limit)
  }

  forInstance(instanceId: number): Notification[] {
    return this.repo.forInstance(instanceId, NOTIFICATIONS_LIMIT).map((row) => ({ date: agentDate(row.ts), username: row.username, message: row.message }))
  }
}

export function agentDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19)
}
