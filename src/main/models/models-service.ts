import { mkdirSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import type { Readable } from 'node:stream'
import { setImmediate as nextTurn } from 'node:timers/promises'
import { AppError } from '../../shared/errors'
import {
  DEFAULT_MODEL_TIME_LIMIT_SECONDS,
  ModelInputSchema,
  scheduleMs,
  type Model,
  type ModelDeleted,
  type ModelDetail,
  type ModelInput,
  type ModelList,
  type ModelRows,
  type ModelRun,
  type ModelRunStarted
} from '../../shared/models'
import type { LogLevel, PlatformEvent } from '../../shared/platform'
import { isoSeconds } from '../../shared/time'
import { reportingFailures, type FailureReport } from '../base/background'
import { validated } from '../base/validated'
import { buildOrder, checkGraph, GraphError, runPlan, type Graph } from './model-graph'
import { ModelFiles, type ModelFile } from './model-files'
import { compileSql, errorPosition, modelNameProblem, parseRefs, sqlProblem } from './model-sql'
import { MODELS_DB_FILE, ModelsDb, type RunRow } from './models-db'
import { ModelsRunner, TimeLimitExceeded } from './runner'
import { fillStoreTables, storeTablesIn, type StoreReader } from './store-tables'
import { messageOf } from '../base/text'

/** A run is under way: the platform API answers 409, as for a sync. */
export class ModelRunRunning extends AppError {
  constructor(models: readonly string[]) {
    super('unavailable', `A model run is already in progress (${models.join(', ')}); try again when it has ended`)
  }
}

/** A preview refills the `vigil` tables it reads when they are older than this. */
const STORE_FRESH_MS = 60_000
/** How often scheduled models are checked for being due. */
const SCHEDULE_TICK_MS = 30_000
/** Where the `vigil` snapshots the models runner reads are written (emptied at start: what a crash left). */
const RUNNER_DIR = 'models-run'

export interface ModelsServiceDeps {
  dataDir: string
  store: StoreReader
  /** A line in the activity log, under the source `model:NAME`. */
  log: (source: string, level: LogLevel, message: string) => void
  /** A platform event for /ws. */
  event: (event: PlatformEvent) => void
  /** A failure of the schedule's periodic check. */
  onError: FailureReport
  now?: () => number
}

/**
 * SQL models: files in <dataDir>/models, built in models.db in dependency order, one run at a
 * time. A run answers at once; each model's start and end go to /ws (dbt_run_started,
 * dbt_run_completed, dbt_run_failed), the activity log and the run history. The models' SQL runs
 * in the models runner (runner.ts), a child process stopped at a model's time limit; this side
 * fills the `vigil` tables (only the main thread sees the series store's newest samples, in its
 * heads), hands them over as a snapshot file, and keeps the run records.
 */
export class ModelsService {
  readonly files: ModelFiles
  readonly database: ModelsDb
  private readonly now: () => number
  private running: { models: string[]; done: Promise<void> } | null = null
  private storeFilledAt = new Map<string, number>()
  /** Fills of the `vigil` tables, one after the other (a preview's and a run's must not interleave). */
  private filling: Promise<unknown> = Promise.resolve()
  private timer: NodeJS.Timeout | null = null
  private readonly runnerDir: string
  private snapshots = 0
  /** The runner of the run under way, if it has one (close() stops it rather than wait for its model). */
  private runRunner: ModelsRunner | null = null
  private closing = false
  /** Runners being stopped and their snapshots removed. */
  private readonly cleanups = new Set<Promise<void>>()

  constructor(private readonly deps: ModelsServiceDeps) {
    this.now = deps.now ?? Date.now
    this.files = new ModelFiles(deps.dataDir)
    this.database = new ModelsDb(deps.dataDir)
    this.runnerDir = join(deps.dataDir, RUNNER_DIR)
    rmSync(this.runnerDir, { recursive: true, force: true })
    mkdirSync(this.runnerDir, { recursive: true, mode: 0o700 })
    this.restoreViews()
  }

  list(): ModelList {
    const files = this.files.all()
    const runs = this.database.latestRuns()
    return { models: files.map((file) => this.modelOf(file, runs.get(file.name))) }
  }

  get(name: string): ModelDetail {
    const file = this.find(name)
    const graph = graphOf(this.files.all())
    const dependants = [...graph].filter(([, refs]) => refs.includes(name)).map(([other]) => other)
    return { ...this.modelOf(file, this.database.latestRuns().get(name)), sql: file.sql, dependants }
  }

  /** Creates or replaces a model; refused (400) for a bad name, bad SQL, an unknown ref or a cycle. */
  save(name: string, body: unknown): ModelDetail {
    const nameProblem = modelNameProblem(name)
    if (nameProblem) throw AppError.invalidField('name', nameProblem)
    const input = validated<ModelInput>(ModelInputSchema, body)
    const problem = sqlProblem(input.sql)
    if (problem) throw AppError.invalidField('sql', problem)
    const files = this.files.all().filter((file) => file.name !== name)
    const previous = this.files.all().find((file) => file.name === name)
    const model: ModelFile = {
      name,
      description: input.description ?? previous?.description ?? '',
      materialization: input.materialization ?? previous?.materialization ?? 'view',
      schedule: input.schedule === undefined ? (previous?.schedule ?? null) : input.schedule,
      timeLimit: input.time_limit_seconds === undefined ? (previous?.timeLimit ?? null) : input.time_limit_seconds,
      sql: input.sql.trim()
    }
    graphCall(() => checkGraph(graphOf([...files, model])))
    // Dropping the old form writes models.db, which the runner may hold for a build's length.
    const reshaped = previous !== undefined && previous.materialization !== model.materialization
    if (reshaped && this.running) throw new ModelRunRunning(this.running.models)
    this.files.write(model)
    // A model changed from table to view (or back) leaves nothing of its old form behind.
    if (reshaped) this.database.drop(name)
    this.deps.log(`model:${name}`, 'INFO', `Model ${name} ${previous ? 'saved' : 'created'} (${model.materialization})`)
    return this.get(name)
  }

  /** Deletes the model's file, its view or table and its runs; refused while other models refer to it. */
  delete(name: string): ModelDeleted {
    this.find(name)
    const dependants = [...graphOf(this.files.all())].filter(([other, refs]) => other !== name && refs.includes(name)).map(([other]) => other)
    if (dependants.length > 0) throw AppError.invalidField('name', `Model ${name} is referred to by ${dependants.join(', ')}: change or delete those first`)
    // Dropping writes models.db, which the runner may hold for a build's length.
    if (this.running) throw new ModelRunRunning(this.running.models)
    this.files.remove(name)
    this.database.drop(name)
    this.database.forgetRuns(name)
    this.deps.log(`model:${name}`, 'INFO', `Model ${name} deleted`)
    return { success: true, message: `Model '${name}' deleted`, model_name: name }
  }

  /**
   * Starts a run of `name` (with cascade, the models downstream of it; always, the models it
   * needs that were never built) and answers at once; 409 while another run is under way.
   */
  run(name: string, cascade = true, trigger: 'manual' | 'schedule' = 'manual'): ModelRunStarted {
    this.find(name)
    if (this.running) throw new ModelRunRunning(this.running.models)
    const files = new Map(this.files.all().map((file) => [file.name, file]))
    const graph = graphOf([...files.values()])
    graphCall(() => checkGraph(graph))
    const plan = runPlan(graph, name, cascade, (model) => this.database.built(model) && this.database.latestRuns().get(model)?.status === 'success')
    const startedAt = this.now()
    const running = { models: plan, done: Promise.resolve() }
    running.done = this.execute(plan, name, files, graph, trigger)
      .catch((error: unknown) => console.error('[vigil] a model run stopped:', error))
      .finally(() => {
      if (this.running === running) this.running = null
    })
    this.running = running
    return {
      success: true,
      message: `dbt model '${name}' run started`,
      model_name: name,
      started_at: isoSeconds(startedAt),
      models: plan
    }
  }

  /** Resolves when the run under way (if any) has ended. */
  async settled(): Promise<void> {
    await this.running?.done
  }

  /**
   * A page of the model's rows. A table's stored rows are read here; a view runs its SQL for them
   * (its count reads all of it), so it is read in a models runner, stopped at the model's limit.
   */
  async rows(name: string, offset = 0, limit = 100): Promise<ModelRows> {
    const file = await this.readyToRead(name)
    const [from, count] = [Math.max(0, offset), Math.max(1, limit)]
    if (file.materialization === 'table') return this.database.rows(name, from, count)
    const { runner, snapshot } = await this.reader(file)
    try {
      return await runner.rows(name, from, count, file.timeLimit ?? DEFAULT_MODEL_TIME_LIMIT_SECONDS)
    } catch (error) {
      if (error instanceof TimeLimitExceeded) throw new AppError('unavailable', `Reading model ${name}: ${error.message}`)
      throw error
    } finally {
      this.afterward(runner.stop(), snapshot)
    }
  }

  /**
   * The model's rows as CSV, streamed: read by a models runner of its own (a view runs its SQL
   * there, off the main thread, on a snapshot of the `vigil` tables), a chunk at a time as the
   * reader asks, so a million rows go out in bounded memory. The runner ends with the stream.
   */
  async csv(name: string): Promise<Readable> {
    const { runner, snapshot } = await this.reader(await this.readyToRead(name))
    const stream = runner.csv(name)
    stream.once('close', () => this.afterward(runner.stop(), snapshot))
    return stream
  }

  /** The model's rows as CSV text, whole (the desktop app's export, over IPC). */
  async csvText(name: string): Promise<string> {
    const parts: string[] = []
    for await (const part of await this.csv(name)) parts.push(String(part))
    return parts.join('')
  }

  /** Models whose latest run failed (the platform health's dbt_failures). */
  failures(): Array<{ model: string; error: string | null }> {
    const names = new Set(this.files.all().map((file) => file.name))
    return [...this.database.latestRuns().values()].filter((run) => run.status === 'error' && names.has(run.model)).map((run) => ({ model: run.model, error: run.error }))
  }

  /** Table models built (the platform health's marts tables). */
  martsTables(): number {
    const runs = this.database.latestRuns()
    return this.files.all().filter((file) => file.materialization === 'table' && runs.get(file.name)?.status === 'success' && this.database.built(file.name)).length
  }

  /** Checks the scheduled models every 30 s. */
  start(): void {
    this.timer ??= setInterval(reportingFailures(() => this.runDue(), this.deps.onError), SCHEDULE_TICK_MS)
    this.timer.unref()
  }

  /**
   * Starts the first scheduled model that is due — never run, or its last run (of any kind)
   * started a schedule's interval ago — with cascade; at most one, and none while a run is under
   * way (the next check takes the rest). Answers the model started, or null.
   */
  runDue(now = this.now()): string | null {
    if (this.running) return null
    const runs = this.database.latestRuns()
    for (const file of this.files.all()) {
      const every = scheduleMs(file.schedule)
      if (every === null) continue
      const last = runs.get(file.name)?.started_at
      if (last !== undefined && now - last < every) continue
      try {
        this.run(file.name, true, 'schedule')
        return file.name
      } catch (error) {
        this.deps.log(`model:${file.name}`, 'ERROR', `Scheduled run of ${file.name} not started: ${messageOf(error)}`)
      }
    }
    return null
  }

  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer)
    this.timer = null
    // A model under way is not waited for (it could take its whole time limit): its runner is
    // stopped, and the run records it failed.
    this.closing = true
    await this.runRunner?.stop()
    await this.settled()
    await Promise.all(this.cleanups)
    this.database.close()
  }

  private async execute(plan: string[], target: string, files: Map<string, ModelFile>, graph: Graph, trigger: 'manual' | 'schedule'): Promise<void> {
    const failed = new Set<string>()
    // Yield first: the caller's answer goes out before the first model starts.
    await nextTurn()
    let unreadable: string | null = null
    const snapshot = this.snapshotFile()
    try {
      this.database.attachImports()
      await this.freshenStore(plan.map((name) => files.get(name) as ModelFile), true)
      await this.database.writeStoreSnapshot(snapshot)
    } catch (error) {
      unreadable = `What the models read could not be prepared: ${messageOf(error)}`
    }
    // One runner for the run, started before the first build (so a model's time is its SQL's
    // alone); a model stopped at its limit took its runner with it, and the next model starts another.
    let runner: ModelsRunner | null = null
    const order = buildOrder(graph)
    try {
      for (const name of plan) {
        if (this.closing) break
        const file = files.get(name) as ModelFile
        const blocked = (graph.get(name) ?? []).find((ref) => failed.has(ref))
        if (blocked !== undefined) {
          failed.add(name)
          this.deps.log(`model:${name}`, 'WARNING', `Model ${name} skipped: it depends on ${blocked}, which failed`)
          continue
        }
        let problem = unreadable
        if (problem === null && !runner?.alive) {
          try {
            runner = await this.startRunner(snapshot, order)
            this.runRunner = runner
          } catch (error) {
            problem = `The models runner could not start: ${messageOf(error)}`
          }
        }
        const build = (sql: string): Promise<number> => (runner as ModelsRunner).build(name, file.materialization, sql, file.timeLimit ?? DEFAULT_MODEL_TIME_LIMIT_SECONDS)
        if (!(await this.buildOne(file, name === target ? trigger : 'cascade', problem, build))) failed.add(name)
      }
    } finally {
      // The run is over once its last model is: the next may start while this runner goes.
      this.runRunner = null
      this.afterward((runner as ModelsRunner | null)?.stop() ?? Promise.resolve(), snapshot)
    }
  }

  /** Removes the snapshot once `stopped` (the runner that read it gone); close() waits for it. */
  private afterward(stopped: Promise<void>, snapshot: string | null): void {
    const cleanup = stopped.finally(() => {
      removeFile(snapshot)
      this.cleanups.delete(cleanup)
    })
    this.cleanups.add(cleanup)
  }

  /** Builds one model, recording and announcing it; whether it succeeded. `failure`: why it cannot be built at all. */
  private async buildOne(file: ModelFile, trigger: string, failure: string | null, build: (sql: string) => Promise<number>): Promise<boolean> {
    const { name } = file
    const source = `model:${name}`
    const startedAt = this.now()
    const runId = this.database.startRun(name, trigger, startedAt)
    this.deps.event({ type: 'dbt_run_started', model: name, timestamp: isoSeconds(startedAt) })
    this.deps.log(source, 'INFO', `Model ${name} run started (${file.materialization})`)
    const clock = performance.now()
    try {
      if (failure !== null) throw new Error(failure)
      const sql = compileSql(file.sql)
      const rows = await build(sql)
      this.database.adopt(name, file.materialization, sql)
      const seconds = (performance.now() - clock) / 1000
      this.database.finishRun(runId, name, this.now(), { rows })
      this.deps.log(source, 'SUCCESS', `Model ${name} built: ${rows} rows in ${seconds.toFixed(3)} s`)
      this.deps.event({ type: 'dbt_run_completed', model: name, timestamp: isoSeconds(this.now()), rows, duration_seconds: round3(seconds) })
      return true
    } catch (error) {
      // Closing Vigil killed the runner under the model: say so, as a restart says of a run it finds unfinished.
      const message = this.closing ? 'Vigil stopped before the run ended' : messageOf(error)
      const position = errorPosition(file.sql, message)
      const text = position ? `${message} (line ${position.line}, column ${position.column})` : message
      this.database.finishRun(runId, name, this.now(), { error: text, line: position?.line ?? null, column: position?.column ?? null })
      this.deps.log(source, 'ERROR', `Model ${name} failed: ${text}`)
      this.deps.event({ type: 'dbt_run_failed', model: name, error: text, timestamp: isoSeconds(this.now()) })
      return false
    }
  }

  /** A models runner on models.db, the given `vigil` snapshot (none: empty) and imports.db, with this connection's views. */
  private startRunner(snapshot: string | null, order: readonly string[] = buildOrder(graphOf(this.files.all()))): Promise<ModelsRunner> {
    return ModelsRunner.start({
      modelsDb: join(this.deps.dataDir, MODELS_DB_FILE),
      storeSnapshot: snapshot ?? ':memory:',
      importsDb: this.database.importsFile,
      views: this.database.viewStatements(order)
    })
  }

  /** A runner to read `file`'s rows: a view's with a snapshot of the `vigil` tables (a table reads nothing of the store). */
  private async reader(file: ModelFile): Promise<{ runner: ModelsRunner; snapshot: string | null }> {
    const snapshot = file.materialization === 'view' ? this.snapshotFile() : null
    try {
      if (snapshot) await this.database.writeStoreSnapshot(snapshot)
      return { runner: await this.startRunner(snapshot), snapshot }
    } catch (error) {
      removeFile(snapshot)
      throw error
    }
  }

  /** A new file name for a `vigil` snapshot. */
  private snapshotFile(): string {
    return join(this.runnerDir, `vigil-${process.pid}-${++this.snapshots}.db`)
  }

  /** A built model, its `vigil` tables fresh enough to read (a run under way is filling them: it is read as it stands). */
  private async readyToRead(name: string): Promise<ModelFile> {
    const file = this.find(name)
    if (!this.database.built(name)) throw new AppError('validation', `Model ${name} has not been built yet: run it first`)
    if (!this.running) await this.freshenStore([file])
    return file
  }

  /**
   * Refills the `vigil` tables that building (`forRun`: at every run) or reading (a preview: when
   * older than a minute) the models reads: a view reads its store tables — and its views' — each
   * time it is read; a table already holds its rows, so previewing one reads nothing of the store.
   */
  private async freshenStore(models: ModelFile[], forRun = false): Promise<void> {
    const all = new Map(this.files.all().map((file) => [file.name, file]))
    const graph = graphOf([...all.values()])
    const reading = new Set<string>()
    const seen = new Set<string>()
    const walk = (name: string, building: boolean): void => {
      const file = all.get(name)
      if (!file || seen.has(name)) return
      seen.add(name)
      if (!building && file.materialization === 'table') return
      for (const table of storeTablesIn(file.sql)) reading.add(table)
      for (const ref of graph.get(name) ?? []) if (all.get(ref)?.materialization === 'view') walk(ref, false)
    }
    for (const model of models) walk(model.name, forRun)
    const now = this.now()
    const stale = [...reading].filter((table) => forRun || now - (this.storeFilledAt.get(table) ?? -Infinity) > STORE_FRESH_MS)
    for (const table of stale) this.storeFilledAt.set(table, now)
    const fill = this.filling.then(() => fillStoreTables(this.database.db, this.deps.store, stale, now))
    this.filling = fill.catch(() => undefined)
    await fill
  }

  /** Views are temp views: rebuilt at start for the models whose last run succeeded. */
  private restoreViews(): void {
    const files = new Map(this.files.all().map((file) => [file.name, file]))
    const graph = graphOf([...files.values()])
    try {
      checkGraph(graph)
    } catch {
      return // hand-edited files in a cycle: the next run says so
    }
    const runs = this.database.latestRuns()
    for (const name of buildOrder(graph)) {
      const file = files.get(name) as ModelFile
      if (file.materialization !== 'view' || runs.get(name)?.status !== 'success') continue
      try {
        this.database.createView(name, compileSql(file.sql))
      } catch {
        // Its next run records why.
      }
    }
  }

  private find(name: string): ModelFile {
    const file = modelNameProblem(name) === null ? this.files.all().find((candidate) => candidate.name === name) : undefined
    if (!file) throw new AppError('not_found', `Model '${name}' not found`)
    return file
  }

  private modelOf(file: ModelFile, run: RunRow | undefined): Model {
    return {
      name: file.name,
      description: file.description,
      database: 'models',
      schema: file.materialization === 'table' ? 'main' : 'temp',
      depends_on: parseRefs(file.sql),
      materialization: file.materialization,
      status: run === undefined ? 'not_run' : run.status,
      file: this.files.relative(file.name),
      schedule: file.schedule,
      last_run: run ? runOf(run) : null,
      time_limit_seconds: file.timeLimit ?? DEFAULT_MODEL_TIME_LIMIT_SECONDS
    }
  }
}

export function graphOf(files: readonly ModelFile[]): Map<string, string[]> {
  return new Map(files.map((file) => [file.name, parseRefs(file.sql)]))
}

function graphCall<T>(call: () => T): T {
  try {
    return call()
  } catch (error) {
    if (error instanceof GraphError) throw AppError.invalidField('sql', error.message)
    throw error
  }
}

function runOf(row: RunRow): ModelRun {
  return {
    started_at: isoSeconds(row.started_at),
    finished_at: row.finished_at === null ? null : isoSeconds(row.finished_at),
    status: row.status,
    duration_seconds: row.finished_at === null ? null : round3((row.finished_at - row.started_at) / 1000),
    rows: row.rows,
    error: row.error,
    error_position: row.error_line === null || row.error_column === null ? null : { line: row.error_line, column: row.error_column },
    trigger: row.trigger
  }
}

function round3(value: number): number {
  return Math.round(value * 1000) / 1000
}

function removeFile(file: string | null): void {
  if (file) rmSync(file, { force: true })
}
