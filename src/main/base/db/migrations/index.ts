import { m001Servers } from './001-servers'
import { m002Auth } from './002-auth'
import { m003Metrics } from './003-metrics'
import { m004Collection } from './004-collection'
import { m005PostgresInstances } from './005-postgres-instances'
import { m006UsersAudit } from './006-users-audit'
import { m007PgMaintenanceJobs } from './007-pg-maintenance-jobs'
import { m008PostgresControl } from './008-postgres-control'
import { m009OracleMonitoring } from './009-oracle-monitoring'
import { m010Series } from './010-series'
import { m011SeriesColdGroups } from './011-series-cold-groups'
import { m012Sources } from './012-sources'
import { m013PostgresAgentKey } from './013-postgres-agent-key'
import { m014Teams } from './014-teams'
import { m015ScrapeJobs } from './015-scrape-jobs'
import { m016RemoteWrite } from './016-remote-write'
import { m017Imports } from './017-imports'
import { m018SessionUsers } from './018-session-users'
import { m019Webhooks } from './019-webhooks'
import { m020SeriesGroupEnds } from './020-series-group-ends'
import { m021RemoteWriteSentBefore } from './021-remote-write-sent-before'

export interface Migration {
  version: number
  name: string
  sql: string
}

/** Append only: a released migration is never edited, a change is a new one. */
export const MIGRATIONS: readonly Migration[] = [
  m001Servers,
  m002Auth,
  m003Metrics,
  m004Collection,
  m005PostgresInstances,
  m006UsersAudit,
  m007PgMaintenanceJobs,
  m008PostgresControl,
  m009OracleMonitoring,
  m010Series,
  m011SeriesColdGroups,
  m012Sources,
  m013PostgresAgentKey,
  m014Teams,
  m015ScrapeJobs,
  m016RemoteWrite,
  m017Imports,
  m018SessionUsers,
  m019Webhooks,
  m020SeriesGroupEnds,
  m021RemoteWriteSentBefore
]

for (const [index, migration] of MIGRATIONS.entries()) {
  if (migration.version !== index + 1) throw new Error(`Migration ${migration.name} is out of order`)
}
