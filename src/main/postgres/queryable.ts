import type { ClientBase } from 'pg'

/**
 * What the agent API's modules need of a PostgreSQL session: pg.Client, pg.PoolClient and
 * pg.Pool all fit, so tests hand them a plain client and the service a pooled one.
 */
export type Queryable = Pick<ClientBase, 'query'>

/** Oldest and newest PostgreSQL majors Vigil supports, as server_version_num. */
export const MIN_SERVER_VERSION = 130000
export const MAX_TESTED_SERVER_VERSION = 189999

/**
 * The variant for a server version: the one with the highest minimum the server meets.
 * Variants are [minimum server_version_num, value]; SQL that changed in a release gets one
 * entry per shape, so every supported version is covered by a unit test of this choice.
 */
export function forVersion<T>(versionNum: number, variants: ReadonlyArray<readonly [minVersion: number, value: T]>): T {
  let chosen: readonly [number, T] | undefined
  for (const variant of variants) {
    if (variant[0] <= versionNum && (!chosen || variant[0] > chosen[0])) chosen = variant
  }
  if (!chosen) throw new Error(`no variant for server_version_num ${versionNum} (oldest supported: ${MIN_SERVER_VERSION})`)
  return chosen[1]
}
