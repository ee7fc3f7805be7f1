import type { LogLevel } from '../../shared/platform'
import type { Db } from '../base/db/db'

export type SourcesRepo = ReturnType<typeof createSourcesRepo>

/** Log lines kept per source (and for Vigil itself); older ones are deleted as new ones come. */
export const LOG_LINES_PER_SOURCE = 1000
/** Syncs kept per source. */
export const RUNS_PER_SOURCE = 200
/** Pruning runs every this many lines of a source, not at every line. */
const PRUNE_EVERY = 50

export interface LogRow {
  id: number
  ts: number
  source: string | null
  level: LogLevel
  message: string
}

export interface RunRow {
  id: number
  source: string
  trigger: string
  started_at: number
  finished_at: number | null
  status: 'running' | 'success' | 'failed'
  rows: number
  error: string | null
}

export interface StateRow {
  source: string
  last_ok: number | null
  failing_since: number | null
  error: string | null
}

/** The sources' own tables (migration 012): log lines, syncs, rows per day, last known state. */
export function createSourcesRepo(db: Db) {
  const statements = {
    addLog: db.prepare('INSERT INTO source_log (ts, source, level, message) VALUES (?, ?, ?, ?)'),
    pruneLog: db.prepare(
      'DELETE FROM source_log WHERE source IS ? AND id <= (SELECT id FROM source_log WHERE source IS ? ORDER BY id DESC LIMIT 1 OFFSET ?)'
    ),
    logOf: db.prepare('SELECT * FROM source_log WHERE source IS ? ORDER BY id DESC LIMIT ?'),
    logAll: db.prepare('SELECT * FROM source_log ORDER BY id DESC LIMIT ?'),
    startRun: db.prepare("INSERT INTO source_runs (source, trigger, started_at, status) VALUES (?, ?, ?, 'running')"),
    finishRun: db.prepare('UPDATE source_runs SET finished_at = ?, status = ?, rows = ?, error = ? WHERE id = ?'),
    pruneRuns: db.prepare(
      'DELETE FROM source_runs WHERE source = ? AND id <= (SELECT id FROM source_runs WHERE source = ? ORDER BY id DESC LIMIT 1 OFFSET ?)'
    ),
    runsOf: db.prepare('SELECT * FROM source_runs WHERE source = ? ORDER BY id DESC LIMIT ?'),
    failRunning: db.prepare("UPDATE source_runs SET status = 'failed', finished_at = ?, error = 'Vigil stopped before the sync ended' WHERE status = 'running'"),
    addRows: db.prepare(
      'INSERT INTO source_rows (source, table_name, day, rows) VALUES (?, ?, ?, ?) ON CONFLICT (source, table_name, day) DO UPDATE SET rows = rows + excluded.rows'
    ),
    allRows: db.prepare('SELECT source, table_name, day, rows FROM source_rows WHERE day >= ?'),
    dropRowsBefore: db.prepare('DELETE FROM source_rows WHERE day < ?'),
    states: db.prepare('SELECT * FROM source_state'),
    goneLog: db.prepare('DELETE FROM source_log WHERE source IS NOT NULL AND ts < ? AND source NOT IN (SELECT value FROM json_each(?))'),
    goneRuns: db.prepare('DELETE FROM source_runs WHERE started_at < ? AND source NOT IN (SELECT value FROM json_each(?))'),
    goneState: db.prepare('DELETE FROM source_state WHERE source NOT IN (SELECT value FROM json_each(?))'),
    saveState: db.prepare(
      'INSERT INTO source_state (source, last_ok, failing_since, error) VALUES (@source, @last_ok, @failing_since, @error) ' +
        'ON CONFLICT (source) DO UPDATE SET last_ok = excluded.last_ok, failing_since = excluded.failing_since, error = excluded.error'
    )
  }
  const sinceLastPrune = new Map<string | null, number>()
  return {
    addLog(ts: number, source: string | null, level: LogLevel, message: string): void {
      statements.addLog.run(ts, source, level, message)
      const count = (sinceLastPrune.get(source) ?? 0) + 1
      if (count < PRUNE_EVERY) {
        sinceLastPrune.set(source, count)
        return
      }
      sinceLastPrune.set(source, 0)
      statements.pruneLog.run(source, source, LOG_LINES_PER_SOURCE)
    },
    /** A source's newest lines (null: Vigil's own), newest first. */
    logOf(source: string | null, limit: number): LogRow[] {
      return statements.logOf.all(source, limit) as LogRow[]
    },
    /** Every source's newest lines and Vigil's, newest first. */
    logAll(limit: number): LogRow[] {
      return statements.logAll.all(limit) as LogRow[]
    },
    startRun(source: string, trigger: string, startedAt: number): number {
      return Number(statements.startRun.run(source, trigger, startedAt).lastInsertRowid)
    },
    finishRun(id: number, source: string, finishedAt: number, status: 'success' | 'failed', rows: number, error: string | null): void {
      statements.finishRun.run(finishedAt, status, rows, error, id)
      statements.pruneRuns.run(source, source, RUNS_PER_SOURCE)
    },
    runsOf(source: string, limit: number): RunRow[] {
      return statements.runsOf.all(source, limit) as RunRow[]
    },
    /** Syncs a previous Vigil left running never finish now. */
    failUnfinishedRuns(now: number): void {
      statements.failRunning.run(now)
    },
    addRows(entries: Iterable<{ source: string; table: string; day: number; rows: number }>): void {
      db.transaction(() => {
        for (const entry of entries) statements.addRows.run(entry.source, entry.table, entry.day, entry.rows)
      })()
    },
    rowsSince(day: number): Array<{ source: string; table_name: string; day: number; rows: number }> {
      return statements.allRows.all(day) as Array<{ source: string; table_name: string; day: number; rows: number }>
    },
    dropRowsBefore(day: number): void {
      statements.dropRowsBefore.run(day)
    },
    /** Forgets sources that are gone (deleted servers, instances, tables): their lines and syncs once older than `before`. */
    pruneGone(keep: readonly string[], before: number): void {
      const list = JSON.stringify(keep)
      db.transaction(() => {
        statements.goneLog.run(before, list)
        statements.goneRuns.run(before, list)
        statements.goneState.run(list)
      })()
    },
    states(): StateRow[] {
      return statements.states.all() as StateRow[]
    },
    saveStates(rows: Iterable<StateRow>): void {
      db.transaction(() => {
        for (const row of rows) statements.saveState.run(row)
      })()
    }
  }
}
