// Audit: who did what, when — kept in SQLite, announced on the bus. Public surface of the feature.
import type { Db } from '../base/db/db'
import type { EventBus } from '../base/bus'
import { createAuditRepo } from './audit-repo'
import { AuditTrail } from './audit-trail'

export { AuditTrail, agentDate } from './audit-trail'

export function createAuditTrail(db: Db, bus: EventBus): AuditTrail {
  return new AuditTrail(createAuditRepo(db), bus)
}
