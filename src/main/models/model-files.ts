// Models as files: <dataDir>/models/NAME.sql, the SELECT after a header of `-- key: value`
// comment lines (description, materialization, and schedule and time_limit when it has them), so a model
// reads, diffs and edits as plain SQL.
// The files are the truth: one written by hand is listed at the next read.
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { MATERIALIZATIONS, MAX_MODEL_TIME_LIMIT_SECONDS, scheduleMs, type Materialization } from '../../shared/models'
import { modelNameProblem } from './model-sql'

export const MODELS_DIR = 'models'

export interface ModelFile {
  name: string
  description: string
  materialization: Materialization
  /** Run with cascade every `15m`, `1h`, `1d`…; null: only when asked. */
  schedule: string | null
  /** Seconds a build may take before it is stopped; null: the default (DEFAULT_MODEL_TIME_LIMIT_SECONDS). */
  timeLimit: number | null
  sql: string
}

const HEADER_LINE = /^--\s*(description|materialization|schedule|time_limit)\s*:\s?(.*)$/

/** The header and the SQL of one file's text; a file without a header is a view with no description. */
export function parseModelFile(name: string, text: string): ModelFile {
  const lines = text.replace(/\r\n/g, '\n').split('\n')
  let description = ''
  let materialization: Materialization = 'view'
  let schedule: string | null = null
  let timeLimit: number | null = null
  let start = 0
  for (; start < lines.length; start++) {
    const match = HEADER_LINE.exec(lines[start] as string)
    if (!match) break
    const value = (match[2] as string).trim()
    if (match[1] === 'description') description = value
    else if (match[1] === 'schedule') schedule = scheduleMs(value) === null ? null : value
    else if (match[1] === 'time_limit') timeLimit = timeLimitOf(value)
    else if ((MATERIALIZATIONS as readonly string[]).includes(value)) materialization = value as Materialization
  }
  return { name, description, materialization, schedule, timeLimit, sql: lines.slice(start).join('\n').trim() }
}

/** `-- time_limit: 600` (seconds, `s` allowed after it); anything else is the default. */
function timeLimitOf(value: string): number | null {
  const match = /^([0-9]{1,6})\s*s?$/.exec(value)
  const seconds = match ? Number(match[1]) : 0
  return seconds >= 1 && seconds <= MAX_MODEL_TIME_LIMIT_SECONDS ? seconds : null
}

export function formatModelFile(model: Omit<ModelFile, 'name'>): string {
  const description = model.description.replace(/\s+/g, ' ').trim()
  const schedule = model.schedule ? `-- schedule: ${model.schedule}\n` : ''
  const timeLimit = model.timeLimit !== null ? `-- time_limit: ${model.timeLimit}\n` : ''
  return `-- description: ${description}\n-- materialization: ${model.materialization}\n${schedule}${timeLimit}${model.sql.trim()}\n`
}

export class ModelFiles {
  readonly dir: string

  constructor(dataDir: string) {
    this.dir = join(dataDir, MODELS_DIR)
    mkdirSync(this.dir, { recursive: true, mode: 0o700 })
  }

  /** Every model file, by name; files whose name is no model name are left alone. */
  all(): ModelFile[] {
    return readdirSync(this.dir)
      .filter((file) => file.endsWith('.sql') && modelNameProblem(file.slice(0, -4)) === null)
      .sort()
      .map((file) => parseModelFile(file.slice(0, -4), readFileSync(join(this.dir, file), 'utf8')))
  }

  /** Written whole or not at all: a temporary file renamed over the old one. */
  write(model: ModelFile): void {
    const path = this.pathOf(model.name)
    const temp = `${path}.${process.pid}.tmp`
    writeFileSync(temp, formatModelFile(model), { mode: 0o600 })
    renameSync(temp, path)
  }

  remove(name: string): void {
    rmSync(this.pathOf(name), { force: true })
  }

  /** The file of a model, relative to the data directory (what the API shows). */
  relative(name: string): string {
    return `${MODELS_DIR}/${name}.sql`
  }

  private pathOf(name: string): string {
    return join(this.dir, `${name}.sql`)
  }
}
