import Type, { type Static } from 'typebox'

// SQL models (platform-api.md, "dbt Operations"; issue 17 item 4): named SELECTs kept as files
// in the data directory, with `{{ ref('other') }}` dependencies, built in Vigil's models
// database as a view or a table. One schema set serves the API, the contract and the Models page.

export const MATERIALIZATIONS = ['view', 'table'] as const
export type Materialization = (typeof MATERIALIZATIONS)[number]

/** `success` as the spec shows it; `error` after a failed run, `running`, `not_run` before any. */
export const MODEL_STATUSES = ['success', 'error', 'running', 'not_run'] as const
export type ModelStatus = (typeof MODEL_STATUSES)[number]

/** A model's name: a lowercase SQL identifier, usable unquoted (and as a file name). */
export const MODEL_NAME_PATTERN = '^[a-z_][a-z0-9_]{0,62}$'
/** Names Vigil keeps for itself in the models database (its run history) and SQLite's own. */
export const RESERVED_MODEL_PREFIXES = ['vigil', 'sqlite_'] as const
export const MAX_MODEL_SQL = 100_000
/** A schedule: every N minutes, hours or days (`15m`, `1h`, `1d`); at least a minute. */
export const SCHEDULE_PATTERN = '^[1-9][0-9]{0,4}[mhd]$'
/** How long one model's build may take unless its file says otherwise; then it is stopped and fails. */
export const DEFAULT_MODEL_TIME_LIMIT_SECONDS = 300
/** The longest time limit a model may have: a day. */
export const MAX_MODEL_TIME_LIMIT_SECONDS = 86_400

export const ErrorPositionSchema = Type.Object({ line: Type.Integer(), column: Type.Integer() })
export type ErrorPosition = Static<typeof ErrorPositionSchema>

export const ModelRunSchema = Type.Object({
  started_at: Type.String({ format: 'date-time' }),
  finished_at: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  status: Type.Enum([...MODEL_STATUSES]),
  duration_seconds: Type.Union([Type.Number(), Type.Null()]),
  rows: Type.Union([Type.Integer({ description: 'Rows the view or table holds after the run' }), Type.Null()]),
  error: Type.Union([Type.String({ description: "SQLite's message, with the model's line and column where it can be told" }), Type.Null()]),
  error_position: Type.Union([ErrorPositionSchema, Type.Null()]),
  trigger: Type.String({ description: 'manual (the model run), cascade (a dependant or dependency of it)' })
})
export type ModelRun = Static<typeof ModelRunSchema>

export const ModelSchema = Type.Object({
  name: Type.String(),
  description: Type.String(),
  database: Type.String({ description: '`models`: the models database (models.db in the data directory)' }),
  schema: Type.String({ description: '`main` for tables (in models.db), `temp` for views (rebuilt by each run)' }),
  depends_on: Type.Array(Type.String(), { description: 'The models it refers to with {{ ref(…) }}' }),
  materialization: Type.Enum([...MATERIALIZATIONS]),
  status: Type.Enum([...MODEL_STATUSES]),
  // Vigil's additions.
  file: Type.String({ description: 'Vigil: where the model is kept, relative to the data directory' }),
  schedule: Type.Union([Type.String(), Type.Null()], { description: 'Vigil: run (with cascade) every `15m`, `1h`, `1d`…; null: only when asked' }),
  last_run: Type.Union([ModelRunSchema, Type.Null()], { description: 'Vigil: the latest run' }),
  time_limit_seconds: Type.Integer({ description: `Vigil: how long a build of the model may take before it is stopped and fails (default ${DEFAULT_MODEL_TIME_LIMIT_SECONDS})` })
})
export type Model = Static<typeof ModelSchema>

export const ModelDetailSchema = Type.Object({
  ...ModelSchema.properties,
  sql: Type.String({ description: 'Vigil: the SELECT, as written' }),
  dependants: Type.Array(Type.String(), { description: 'Vigil: the models that refer to it' })
})
export type ModelDetail = Static<typeof ModelDetailSchema>

export const ModelListSchema = Type.Object({ models: Type.Array(ModelSchema) })
export type ModelList = Static<typeof ModelListSchema>

/** PUT /api/dbt/models/{name} (a Vigil extension): the model's SELECT and how it is built. */
export const ModelInputSchema = Type.Object(
  {
    sql: Type.String({ minLength: 1, maxLength: MAX_MODEL_SQL, description: "One SELECT (or WITH … SELECT); other models as {{ ref('name') }}" }),
    description: Type.Optional(Type.String({ maxLength: 2000 })),
    materialization: Type.Optional(Type.Enum([...MATERIALIZATIONS], { description: 'view (the default) or table' })),
    schedule: Type.Optional(
      Type.Union([Type.String({ pattern: SCHEDULE_PATTERN, description: 'Vigil: run with cascade every N minutes, hours or days (`15m`, `1h`, `1d`)' }), Type.Null()])
    ),
    time_limit_seconds: Type.Optional(
      Type.Union([
        Type.Integer({
          minimum: 1,
          maximum: MAX_MODEL_TIME_LIMIT_SECONDS,
          description: `Vigil: stop a build of the model that takes longer (seconds); null: the default, ${DEFAULT_MODEL_TIME_LIMIT_SECONDS}`
        }),
        Type.Null()
      ])
    )
  },
  { additionalProperties: false }
)
export type ModelInput = Static<typeof ModelInputSchema>

export const ModelRunQuerySchema = Type.Object({
  cascade: Type.Optional(Type.Boolean({ description: 'Run the models that depend on it too (default: true)' }))
})

export const ModelRunStartedSchema = Type.Object({
  success: Type.Boolean(),
  message: Type.String(),
  model_name: Type.String(),
  started_at: Type.String({ format: 'date-time' }),
  models: Type.Array(Type.String(), { description: 'Vigil: the models this run builds, in order' })
})
export type ModelRunStarted = Static<typeof ModelRunStartedSchema>

export const ModelDeletedSchema = Type.Object({ success: Type.Boolean(), message: Type.String(), model_name: Type.String() })
export type ModelDeleted = Static<typeof ModelDeletedSchema>

export const MAX_PREVIEW_ROWS = 1000
export const ModelRowsQuerySchema = Type.Object({
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_PREVIEW_ROWS })),
  offset: Type.Optional(Type.Integer({ minimum: 0 }))
})

export const ModelRowsSchema = Type.Object({
  columns: Type.Array(Type.String()),
  rows: Type.Array(Type.Array(Type.Union([Type.String(), Type.Number(), Type.Null()]))),
  total: Type.Integer(),
  offset: Type.Integer(),
  limit: Type.Integer()
})
export type ModelRows = Static<typeof ModelRowsSchema>

/** A schedule's interval in milliseconds (`15m` → 900000), or null for none or a malformed one. */
export function scheduleMs(schedule: string | null | undefined): number | null {
  if (!schedule || !new RegExp(SCHEDULE_PATTERN).test(schedule)) return null
  const unit = { m: 60_000, h: 3_600_000, d: 86_400_000 }[schedule.slice(-1) as 'm' | 'h' | 'd']
  return Number(schedule.slice(0, -1)) * unit
}
