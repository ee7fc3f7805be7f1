// The messages between Vigil and its models runner (runner-child.ts), a child process that
// builds models and reads their rows, so that no model's SQL ever runs on Vigil's main thread.
import type { Materialization, ModelRows } from '../../shared/models'

/** What the child opens: the models database, the `vigil` snapshot, imports.db, the views to recreate. */
export interface RunnerSetup {
  type: 'setup'
  modelsDb: string
  /** A file holding the `vigil` schema's tables, as the main thread filled them (store-tables.ts). */
  storeSnapshot: string
  /** imports.db, when it exists. */
  importsDb: string | null
  /** The view models built so far, in dependency order, as `CREATE TEMP VIEW` statements. */
  views: string[]
}

export interface BuildRequest {
  type: 'build'
  name: string
  materialization: Materialization
  /** The SQL with its refs compiled. */
  sql: string
}

/** A page of a model's rows and how many it holds (a view runs its SQL for them). */
export interface RowsRequest {
  type: 'rows'
  name: string
  offset: number
  limit: number
}

/** Every row of a model as CSV, sent a chunk at a time: the next chunk only after a `more`. */
export interface CsvRequest {
  type: 'csv'
  name: string
}

export interface MoreRequest {
  type: 'more'
}

export type ToRunner = RunnerSetup | BuildRequest | RowsRequest | CsvRequest | MoreRequest

export type FromRunner =
  | { type: 'ready' }
  | { type: 'built'; rows: number }
  | { type: 'rows'; page: ModelRows }
  | { type: 'chunk'; text: string }
  | { type: 'end' }
  | { type: 'failed'; error: string }
