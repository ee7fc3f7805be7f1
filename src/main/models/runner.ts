// Vigil's side of the models runner (runner-child.ts): a child process that builds models and
// reads their rows, killed (SIGKILL) when a model outlives its time limit — the one way to stop
// a statement under way in better-sqlite3 (runner-child.ts says why not a worker thread).
import { fork, type ChildProcess } from 'node:child_process'
import { existsSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { Readable } from 'node:stream'
import { fileURLToPath } from 'node:url'
import type { Materialization, ModelRows } from '../../shared/models'
import type { FromRunner, RunnerSetup, ToRunner } from './runner-protocol'

/** The built runner, beside the entries (electron.vite.config.ts builds it as an entry of its own). */
const BUILT_RUNNER = 'models-runner.js'

/** A model outlived its time limit and was stopped. */
export class TimeLimitExceeded extends Error {
  constructor(readonly seconds: number) {
    super(`Stopped after ${seconds} s: the model's time limit`)
  }
}

/**
 * The runner's script: built, out/main/models-runner.js (this module is in out/main or
 * out/main/chunks); from the sources (tests, tsx), runner-child.ts through tsx. Under Electron,
 * fork() runs it with Electron's own Node (ELECTRON_RUN_AS_NODE).
 */
function runnerScript(): { script: string; execArgv: string[] } {
  const here = dirname(fileURLToPath(import.meta.url))
  for (const dir of [here, dirname(here)]) {
    const built = join(dir, BUILT_RUNNER)
    if (existsSync(built)) return { script: built, execArgv: [] }
  }
  return { script: join(here, 'runner-child.ts'), execArgv: ['--import', 'tsx'] }
}

/** One runner process: set up once, then builds or one export; stop() ends it. */
export class ModelsRunner {
  private readonly child: ChildProcess
  private readonly exited: Promise<void>
  private waiting: ((message: FromRunner) => void) | null = null
  private gone: string | null = null

  private constructor() {
    const { script, execArgv } = runnerScript()
    this.child = fork(script, [], {
      execArgv,
      env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc']
    })
    this.exited = new Promise((resolve) =>
      this.child.once('exit', (code, signal) => {
        this.gone = `the models runner ended (${signal ?? `exit code ${code}`})`
        this.waiting?.({ type: 'failed', error: this.gone })
        this.waiting = null
        resolve()
      })
    )
    this.child.on('message', (message: FromRunner) => {
      const waiting = this.waiting
      this.waiting = null
      waiting?.(message)
    })
    // A failure to start shows as the exit above; without a listener it would throw.
    this.child.on('error', () => undefined)
  }

  /** A runner with models.db, the `vigil` snapshot and imports.db open, and the views recreated. */
  static async start(setup: Omit<RunnerSetup, 'type'>): Promise<ModelsRunner> {
    const runner = new ModelsRunner()
    const answer = await runner.ask({ type: 'setup', ...setup })
    if (answer.type !== 'ready') {
      await runner.stop()
      throw answerError(answer)
    }
    return runner
  }

  /**
   * Builds a model; answers its rows. After `limitSeconds` the runner is killed and this rejects
   * with TimeLimitExceeded (once the process is gone, so that its lock on models.db is too).
   */
  async build(name: string, materialization: Materialization, sql: string, limitSeconds: number): Promise<number> {
    const answer = await this.askWithin({ type: 'build', name, materialization, sql }, limitSeconds)
    if (answer.type === 'built') return answer.rows
    throw answerError(answer)
  }

  /** A page of the model's rows and its count; killed as a build is after `limitSeconds`. */
  async rows(name: string, offset: number, limit: number, limitSeconds: number): Promise<ModelRows> {
    const answer = await this.askWithin({ type: 'rows', name, offset, limit }, limitSeconds)
    if (answer.type === 'rows') return answer.page
    throw answerError(answer)
  }

  /**
   * Every row of the model as CSV: the runner sends a chunk each time the stream is read, so a
   * slow reader holds at most a chunk or two in memory. The runner stops when the stream ends or
   * is destroyed (the client went away).
   */
  csv(name: string): Readable {
    let started = false
    const stream = new Readable({
      read: () => {
        const request: ToRunner = started ? { type: 'more' } : { type: 'csv', name }
        started = true
        void this.ask(request).then((answer) => this.onCsv(stream, answer))
      },
      destroy: (error, callback) => {
        void this.stop().then(() => callback(error))
      }
    })
    return stream
  }

  /** Whether the process is still there (a model stopped at its limit took it with it). */
  get alive(): boolean {
    return this.gone === null
  }

  /** Kills the process (whatever it runs) and waits for it to be gone. */
  async stop(): Promise<void> {
    if (this.gone === null) this.child.kill('SIGKILL')
    await this.exited
  }

  private onCsv(stream: Readable, answer: FromRunner): void {
    if (stream.destroyed) return
    if (answer.type === 'chunk') {
      stream.push(answer.text)
      return
    }
    if (answer.type === 'end') {
      stream.push(null)
      void this.stop()
      return
    }
    stream.destroy(answerError(answer))
  }

  /** ask(), the runner killed if no answer came within `limitSeconds` (TimeLimitExceeded). */
  private async askWithin(message: ToRunner, limitSeconds: number): Promise<FromRunner> {
    let timer: NodeJS.Timeout | undefined
    const limit = new Promise<'limit'>((resolve) => {
      timer = setTimeout(() => resolve('limit'), limitSeconds * 1000)
    })
    try {
      const answer = await Promise.race([this.ask(message), limit])
      if (answer !== 'limit') return answer
      await this.stop()
      throw new TimeLimitExceeded(limitSeconds)
    } finally {
      clearTimeout(timer)
    }
  }

  /** Sends one request and waits for its one answer (requests never overlap). */
  private ask(message: ToRunner): Promise<FromRunner> {
    if (this.gone !== null) return Promise.resolve({ type: 'failed', error: this.gone })
    return new Promise((resolve) => {
      this.waiting = resolve
      this.child.send(message)
    })
  }
}

/** An answer that is not the one asked for: the runner's failure, as an error. */
function answerError(answer: FromRunner): Error {
  return new Error(answer.type === 'failed' ? answer.error : `the models runner answered ${answer.type}`)
}
