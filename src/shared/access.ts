import type { Channel, Topic } from './contract'
import type { Permission, PermissionArea } from './teams'

// Who may do what, in one place for the core (which enforces it on every face, channel and
// topic) and the renderer (which hides what the user may not do). README, "Permissions".

export type Access = 'read' | 'write'

/** What a route, channel or topic needs: an area (read or write), `any` credential, or `none`. */
export type RouteArea = PermissionArea | 'any' | 'none'

/** GET, HEAD and OPTIONS read; everything else writes. */
export function accessOf(method: string): Access {
  return method === 'GET' || method === 'HEAD' || method === 'OPTIONS' ? 'read' : 'write'
}

/**
 * May someone holding `permissions` read or write `area`? `area` grants both, `area:read`
 * reading only. The users area is for is_staff users alone (who hold every area).
 */
export function permits(holder: { isStaff: boolean; permissions: ReadonlySet<Permission> }, area: PermissionArea, access: Access): boolean {
  if (area === 'users' && !holder.isStaff) return false
  return holder.permissions.has(area) || (access === 'read' && holder.permissions.has(`${area}:read`))
}

const read = (area: PermissionArea) => ({ area, access: 'read' }) as const
const write = (area: PermissionArea) => ({ area, access: 'write' }) as const

/**
 * Every contract channel's area and access. A Record over Channel: a channel added without a
 * rule does not compile. Reads that take a body (a PromQL query) are reads.
 */
export const CHANNEL_ACCESS: Readonly<Record<Channel, { area: PermissionArea | 'any'; access: Access }>> = {
  'app.info': { area: 'any', access: 'read' },
  'auth.whoami': { area: 'any', access: 'read' },
  'servers.list': read('servers'),
  'servers.get': read('servers'),
  'servers.create': write('servers'),
  'servers.update': write('servers'),
  'servers.delete': write('servers'),
  'servers.bulkStatus': write('servers'),
  'servers.testConnection': write('servers'),
  'servers.hostKey': read('servers'),
  'servers.acceptHostKey': write('servers'),
  'metrics.series': read('metrics'),
  'metrics.overview': read('metrics'),
  'metrics.topProcesses': read('metrics'),
  'metrics.processHistory': read('metrics'),
  'users.list': read('users'),
  'users.add': write('users'),
  'users.setPassword': write('users'),
  'users.update': write('users'),
  'users.remove': write('users'),
  // Anyone's own tokens; the handlers let an admin (the users area) see and revoke everyone's.
  'tokens.list': { area: 'any', access: 'read' },
  'tokens.create': { area: 'any', access: 'write' },
  'tokens.revoke': { area: 'any', access: 'write' },
  // The owner's token is admin: only an admin (the owner, an is_staff user) replaces it.
  'auth.rotateOwnerToken': write('users'),
  'postgres.list': read('postgres'),
  'postgres.get': read('postgres'),
  'postgres.create': write('postgres'),
  'postgres.update': write('postgres'),
  'postgres.delete': write('postgres'),
  'postgres.test': write('postgres'),
  'pg.activity': read('postgres'),
  'pg.activity.waiting': read('postgres'),
  'pg.activity.blocking': read('postgres'),
  'pg.activity.lockGraph': read('postgres'),
  'pg.activity.kill': write('postgres'),
  'pg.activity.cancel': write('postgres'),
  'pg.control': write('postgres'),
  'pg.dashboard.history': read('postgres'),
  'pg.dashboard': read('postgres'),
  'pg.dashboard.live': read('postgres'),
  'pg.pgconf.settings': read('postgres'),
  'pg.pgconf.status': read('postgres'),
  'pg.pgconf.update': write('postgres'),
  'pg.statements': read('postgres'),
  'pg.statements.reset': write('postgres'),
  'pg.maintenance.instance': read('postgres'),
  'pg.maintenance.database': read('postgres'),
  'pg.maintenance.schema': read('postgres'),
  'pg.maintenance.table': read('postgres'),
  'pg.maintenance.run': write('postgres'),
  'pg.maintenance.jobs': read('postgres'),
  'pg.maintenance.cancel': write('postgres'),
  'pg.notifications': read('postgres'),
  'oracle.databases.list': read('oracle'),
  'oracle.databases.get': read('oracle'),
  'oracle.databases.create': write('oracle'),
  'oracle.databases.update': write('oracle'),
  'oracle.databases.delete': write('oracle'),
  'oracle.databases.test': write('oracle'),
  'oracle.tables.list': read('oracle'),
  'oracle.tables.get': read('oracle'),
  'oracle.tables.discover': read('oracle'),
  'oracle.tables.describe': read('oracle'),
  'oracle.tables.add': write('oracle'),
  'oracle.tables.remove': write('oracle'),
  'oracle.tables.update': write('oracle'),
  'oracle.tables.monitorNow': write('oracle'),
  'oracle.tables.currentData': read('oracle'),
  'oracle.tables.history': read('oracle'),
  'oracle.tables.diff': read('oracle'),
  'oracle.tables.tasks': read('oracle'),
  'prometheus.api': read('prometheus'),
  'sources.list': read('platform'),
  'sources.details': read('platform'),
  'sources.sync': write('platform'),
  'sources.logs': read('logs'),
  'activity.list': read('logs'),
  'models.list': read('platform'),
  'models.get': read('platform'),
  'models.save': write('platform'),
  'models.delete': write('platform'),
  'models.run': write('platform'),
  'models.rows': read('platform'),
  'models.csv': read('platform'),
  'imports.list': read('platform'),
  'imports.create': write('platform'),
  'imports.delete': write('platform'),
  'imports.files': read('platform'),
  'imports.deleteFile': write('platform'),
  'imports.uploadChunk': write('platform'),
  'scrape.workspaces': read('prometheus'),
  'scrape.createWorkspace': write('prometheus'),
  'scrape.updateWorkspace': write('prometheus'),
  'scrape.deleteWorkspace': write('prometheus'),
  'scrape.targets': read('prometheus'),
  'scrape.servers': read('prometheus'),
  'scrape.addTarget': write('prometheus'),
  'scrape.removeTarget': write('prometheus'),
  'scrape.scrapeNow': write('prometheus'),
  'remoteWrite.status': read('prometheus'),
  'remoteWrite.configure': write('prometheus'),
  'remoteWrite.remove': write('prometheus'),
  // Webhooks notify of events across Vigil: managing them is `monitoring`; each delivers only the
  // events of areas its creator may read.
  'webhooks.list': read('monitoring'),
  'webhooks.create': write('monitoring'),
  'webhooks.update': write('monitoring'),
  'webhooks.delete': write('monitoring'),
  'webhooks.test': write('monitoring'),
  'webhooks.deliveries': read('monitoring')
}

/** The area whose read permission a topic's events need (`any`: no data of an area). */
export const TOPIC_AREAS: Readonly<Record<Topic, PermissionArea | 'any'>> = {
  'servers.changed': 'servers',
  'servers.state': 'servers',
  'metrics.samples': 'metrics',
  'postgres.changed': 'postgres',
  // What pg.notifications answers: an instance's trail and Vigil-wide entries.
  'audit.recorded': 'postgres',
  'oracle.changed': 'oracle',
  'oracle.snapshot': 'oracle',
  'app.upgrade': 'any',
  'postgres.collected': 'postgres',
  'platform.event': 'platform',
  'postgres.maintenance': 'postgres',
  'scrape.health': 'prometheus',
  'webhooks.changed': 'monitoring'
}

/** May `holder` use the channel? */
export function mayInvoke(holder: { isStaff: boolean; permissions: ReadonlySet<Permission> }, channel: Channel): boolean {
  const rule = CHANNEL_ACCESS[channel]
  return rule.area === 'any' || permits(holder, rule.area, rule.access)
}
