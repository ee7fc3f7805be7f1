import Type, { type Static } from 'typebox'

// Import sources (issue 17 item 3; platform-api.md's "CSV Operations", with Vigil's extension
// POST /api/sources): what a source is created with, and the files it lists. One schema set
// serves the API (validation, OpenAPI) and the Imports page.

export const IMPORT_TYPES = ['csv_metrics', 'csv_table', 'nmon'] as const
export type ImportType = (typeof IMPORT_TYPES)[number]

/** A source's name is its API name and, for csv_table, its table's: a lowercase SQL identifier. */
export const IMPORT_NAME_PATTERN = '^[a-z][a-z0-9_]{0,62}$'
const name = Type.String({ pattern: IMPORT_NAME_PATTERN, errorMessage: 'must be a lowercase letter, then up to 62 lowercase letters, digits or _' })
const delimiter = Type.Optional(
  Type.Union([Type.Literal(','), Type.Literal(';'), Type.Literal('\t'), Type.Literal('|')], { description: 'The field separator (default `,`)', errorMessage: 'must be one of , ; | or a tab' })
)
const skipBadRows = Type.Optional(
  Type.Boolean({ description: 'Import the good rows of a file that has bad ones (they are still counted and reported). Default false: such a file is refused whole.' })
)
const columnName = Type.String({ minLength: 1, maxLength: 200 })

export const TIMESTAMP_FORMATS = ['iso', 'unix', 'unix_ms'] as const
export type TimestampFormat = (typeof TIMESTAMP_FORMATS)[number]

export const CsvMetricsSourceSchema = Type.Object(
  {
    name,
    type: Type.Literal('csv_metrics'),
    timestamp_column: Type.String({ minLength: 1, maxLength: 200, description: 'The column holding each row’s time' }),
    timestamp_format: Type.Optional(
      Type.Enum([...TIMESTAMP_FORMATS], {
        description: '`iso` (RFC 3339 / ISO 8601; without a zone, UTC — the default), `unix` (seconds, may have decimals) or `unix_ms`',
        errorMessage: `must be one of ${TIMESTAMP_FORMATS.join(', ')}`
      })
    ),
    value_columns: Type.Optional(Type.Array(columnName, { maxItems: 1000, description: 'Numeric columns, each one metric (default: every column that is neither the time nor a label)' })),
    label_columns: Type.Optional(Type.Array(columnName, { maxItems: 100, description: 'Columns whose values label the series' })),
    metric_prefix: Type.Optional(
      Type.String({ pattern: '^([a-zA-Z_:][a-zA-Z0-9_:]*)?$', maxLength: 100, description: 'Put before each value column’s name to make the metric name', errorMessage: 'must be a Prometheus metric name prefix' })
    ),
    delimiter,
    skip_bad_rows: skipBadRows
  },
  { additionalProperties: false }
)

export const CsvTableSourceSchema = Type.Object({ name, type: Type.Literal('csv_table'), delimiter, skip_bad_rows: skipBadRows }, { additionalProperties: false })

export const NmonSourceSchema = Type.Object(
  {
    name,
    type: Type.Literal('nmon'),
    server_id: Type.String({ minLength: 1, description: 'The registered server whose history the recordings fill' }),
    utc_offset: Type.Optional(
      Type.String({
        pattern: '^[+-](0\\d|1[0-4]):[0-5]\\d$',
        description: 'The recording host’s offset from UTC, `+02:00` (nmon writes local times without a zone; default: this machine’s zone)',
        errorMessage: 'must be an offset such as +02:00 or -05:30'
      })
    ),
    skip_bad_rows: skipBadRows
  },
  { additionalProperties: false }
)

export const CreateImportSourceSchema = Type.Union([CsvMetricsSourceSchema, CsvTableSourceSchema, NmonSourceSchema])
export type CsvMetricsOptions = Static<typeof CsvMetricsSourceSchema>
export type CsvTableOptions = Static<typeof CsvTableSourceSchema>
export type NmonOptions = Static<typeof NmonSourceSchema>
export type ImportSourceOptions = CsvMetricsOptions | CsvTableOptions | NmonOptions

export const FILE_STATUSES = ['pending', 'loading', 'success', 'failed'] as const
export type FileStatus = (typeof FILE_STATUSES)[number]

export const FileErrorSchema = Type.Object({ line: Type.Integer(), message: Type.String() })
export type FileError = Static<typeof FileErrorSchema>

export const CsvFileSchema = Type.Object({
  filename: Type.String(),
  path: Type.String(),
  size: Type.Integer(),
  modified: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  on_disk: Type.Boolean(),
  loaded: Type.Boolean(),
  rows_loaded: Type.Integer(),
  status: Type.Enum([...FILE_STATUSES]),
  // Vigil's additions.
  bad_rows: Type.Integer({ description: 'Vigil: rows that could not be read' }),
  errors: Type.Array(FileErrorSchema, { description: 'Vigil: the first bad rows, with their line numbers' }),
  loaded_at: Type.Union([Type.String({ format: 'date-time' }), Type.Null()])
})
export type CsvFile = Static<typeof CsvFileSchema>

export const CsvFilesSchema = Type.Object({
  source_name: Type.String(),
  directory: Type.String(),
  file_pattern: Type.String(),
  files: Type.Array(CsvFileSchema),
  total_files: Type.Integer(),
  files_on_disk: Type.Integer(),
  files_loaded: Type.Integer()
})
export type CsvFiles = Static<typeof CsvFilesSchema>

export const UploadedSchema = Type.Object({
  success: Type.Boolean(),
  message: Type.String(),
  source_name: Type.String(),
  file_path: Type.String(),
  file_name: Type.String(),
  auto_sync: Type.Boolean()
})
export type Uploaded = Static<typeof UploadedSchema>

export const FileDeletedSchema = Type.Object({
  success: Type.Boolean(),
  message: Type.String(),
  file_path: Type.String(),
  source_name: Type.String(),
  background_sync: Type.Boolean()
})
export type FileDeleted = Static<typeof FileDeletedSchema>

/** An import source as the Imports page lists it: its options (the mapping). */
export interface ImportSourceView {
  name: string
  type: ImportType
  options: Record<string, unknown>
}

/** A piece of a file uploaded from the Imports page (base64: IPC and the RPC endpoint carry JSON). */
export interface UploadChunk {
  name: string
  upload_id: string
  filename: string
  /** Bytes sent before this chunk. */
  offset: number
  data_base64: string
  last: boolean
  /** With the last chunk: import the file at once. */
  trigger_sync?: boolean
}

/** Bytes per chunk: its base64 stays under the RPC endpoint's 1 MiB body limit. */
export const UPLOAD_CHUNK_BYTES = 512 * 1024
