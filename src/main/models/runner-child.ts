// The models runner: a child process (child_process.fork, runner.ts) where a run builds its
// models and an export reads a model's rows, so that a model's SQL never holds Vigil's main
// thread and a runaway one can be stopped: the parent SIGKILLs this process at the model's time
// limit. SQLite then never commits the build's transaction, so models.db keeps the last good table.
//
// Why a process and not a worker_threads Worker: Worker.terminate() does not stop a statement
// under way. V8's TerminateExecution only acts when JavaScript runs, and better-sqlite3 stays in
// native sqlite3_step() until the statement ends (measured on Node 20.20: a recursive CTE without
// an end kept running 6 s after terminate() and never stopped; better-sqlite3 exposes neither
// sqlite3_interrupt nor a progress handler). A killed process stops at once, whatever it runs.
import Database from 'better-sqlite3'
import { buildModel, csvLines, rowsPage } from './model-build'
import type { FromRunner, ToRunner } from './runner-protocol'
import { messageOf } from '../base/text'

/** About this much CSV text a message: large enough for throughput, small enough for memory. */
const CHUNK_CHARS = 128 * 1024

let db: Database.Database | null = null
let csv: Generator<string> | null = null

function send(message: FromRunner): void {
  process.send?.(message)
}

function fail(error: unknown): void {
  send({ type: 'failed', error: messageOf(error) })
}

function setup(message: Extract<ToRunner, { type: 'setup' }>): void {
  db = new Database(message.modelsDb)
  // The main thread writes the run records while this process is idle; wait for it, never fail.
  db.pragma('busy_timeout = 5000')
  db.prepare('ATTACH DATABASE ? AS vigil').run(message.storeSnapshot)
  if (message.importsDb !== null) db.prepare('ATTACH DATABASE ? AS imports').run(message.importsDb)
  for (const view of message.views) {
    try {
      db.exec(view)
    } catch {
      // A view whose source has gone: the run that needs it says why.
    }
  }
}

/** The next chunk of the export under way, or its end: one answer to each request. */
function nextChunk(): void {
  if (!csv) return send({ type: 'end' })
  let text = ''
  for (let line = csv.next(); !line.done; line = csv.next()) {
    text += line.value
    if (text.length >= CHUNK_CHARS) return send({ type: 'chunk', text })
  }
  csv = null
  send(text ? { type: 'chunk', text } : { type: 'end' })
}

process.on('message', (message: ToRunner) => {
  try {
    switch (message.type) {
      case 'setup':
        setup(message)
        return send({ type: 'ready' })
      case 'build':
        if (!db) throw new Error('the models runner was not set up')
        return send({ type: 'built', rows: buildModel(db, message.name, message.materialization, message.sql) })
      case 'rows':
        if (!db) throw new Error('the models runner was not set up')
        return send({ type: 'rows', page: rowsPage(db, message.name, message.offset, message.limit) })
      case 'csv':
        if (!db) throw new Error('the models runner was not set up')
        csv = csvLines(db, message.name)
        return nextChunk()
      case 'more':
        return nextChunk()
    }
  } catch (error) {
    csv = null
    fail(error)
  }
})

// The parent gone (Vigil stopped, or it let go of this runner): nothing is left to do.
process.on('disconnect', () => process.exit(0))
