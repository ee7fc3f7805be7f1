import type { Migration } from './index'

/**
 * How a PostgreSQL instance's server is started, stopped and restarted on its linked server
 * (pg_ctl, pg_ctlcluster, systemd or a custom command): a ControlConfig as JSON, null when not
 * configured. It holds paths and names only, no secret.
 */
export const m008PostgresControl: Migration = {
  version: 8,
  name: 'postgres-control',
  sql: `
    ALTER TABLE postgres_instances ADD COLUMN control TEXT;
  `
}
