import type { Migration } from './index'

/**
 * The agent key of a PostgreSQL instance (`?key=` or `X-TemBoard-Agent-Key` on the agent API),
 * salted and hashed (`sha256$salt$hash`); null when none is set. The key itself is never stored.
 */
export const m013PostgresAgentKey: Migration = {
  version: 13,
  name: 'postgres-agent-key',
  sql: `
    ALTER TABLE postgres_instances ADD COLUMN agent_key_hash TEXT;
  `
}
