import { OracleSource } from './oracle/oracle-source'
import { PostgresSource } from './postgres-source'
import type { SnapshotSource } from './source'
import type { SourceTarget } from './sources'

/** The source for a monitored database: Oracle through oracledb (Thin mode), PostgreSQL through pg. */
export function createSnapshotSource(target: SourceTarget): SnapshotSource {
  if (target.engine === 'postgresql') {
    return new PostgresSource({
      host: target.host,
      port: target.port,
      database: target.database ?? 'postgres',
      user: target.user,
      password: target.password,
      connectTimeoutSeconds: target.connectTimeoutSeconds
    })
  }
  return new OracleSource({
    host: target.host,
    port: target.port,
    sid: target.sid,
    service_name: target.serviceName,
    user: target.user,
    password: target.password ?? '',
    connectTimeoutSeconds: target.connectTimeoutSeconds
  })
}
