// "Oracle Monitoring APIs" of servers-metrics-oracle-api.md: databases, tables, data, tasks and
// the dashboard, paths and shapes as the spec writes them (a REST resource router, as the
// PostgreSQL instances registry imitates). Vigil's additions, each marked in its description:
//
// - Databases: `engine` ('oracle' or 'postgresql'), `service_name` next to `sid`, `database` for
//   PostgreSQL, `password_set` (the password is write-only), `connection_error`, `database_version`;
//   PUT and PATCH are both partial updates; GET {id}/discover_tables/ and {id}/describe_table/
//   read the data dictionary.
// - Tables: POST /api/oracle-tables/ adds a watched table (the spec documents no create route);
//   `max_rows`, `skip_unchanged` and `key_columns`; history takes `include_data`.
// - Data: each snapshot carries `truncated` (the row cap was hit) and `changes` (counts and
//   keys); GET /api/oracle-data/{id}/ has all rows, {id}/diff/ compares it with its predecessor.
// - Lists that the spec's "Pagination" covers (oracle-data, oracle-tasks) answer
//   {count, page, total_pages, has_next, has_previous, results}.
// - Errors: the spec's "Error Handling" bodies (errors.ts).
import type { FastifyInstance } from 'fastify'
import Type from 'typebox'
import {
  CurrentDataSchema,
  DashboardSchema,
  DatabaseStatusSchema,
  DescribeQuerySchema,
  DiscoveredTableSchema,
  DiscoverQuerySchema,
  MAX_MAX_ROWS,
  MonitorNowSchema,
  OracleDataListQuerySchema,
  OracleDatabaseCreateSchema,
  OracleDatabaseListQuerySchema,
  OracleDatabaseSchema,
  OracleDatabaseUpdateSchema,
  OracleTableConfigSchema,
  OracleTableCreateSchema,
  OracleTableListQuerySchema,
  OracleTableSchema,
  OracleTaskListQuerySchema,
  OracleTaskSchema,
  OracleTestResultSchema,
  SnapshotDetailSchema,
  SnapshotDiffSchema,
  SnapshotPageSchema,
  SnapshotSummarySchema,
  TableColumnsSchema,
  TaskPageSchema,
  TaskStatisticsSchema,
  type OracleDataListQuery,
  type OracleDatabaseCreate,
  type OracleDatabaseListQuery,
  type OracleDatabaseUpdate,
  type OracleTableConfig,
  type OracleTableCreate,
  type OracleTableListQuery,
  type OracleTaskListQuery
} from '../../../shared/oracle'
import { AppError } from '../../../shared/errors'
import type { OracleDataService, OracleDatabasesService, OracleTablesService } from '../../table-monitoring'
import { orPrimaryError, PrimaryErrorSchema } from './errors'

export interface OracleRouteDeps {
  databases: OracleDatabasesService
  tables: OracleTablesService
  data: OracleDataService
}

const IdParams = Type.Object({ id: Type.String({ description: 'Integer ID' }) })
type Id = { Params: { id: string } }
const errors = { 400: PrimaryErrorSchema, 404: PrimaryErrorSchema, 503: PrimaryErrorSchema }

const HistoryItemSchema = Type.Object({
  ...SnapshotSummarySchema.properties,
  columns: Type.Optional(Type.Array(Type.String())),
  key_columns: Type.Optional(Type.Array(Type.String())),
  data: Type.Optional(Type.Array(Type.Record(Type.String(), Type.Unknown())))
})
const LimitQuery = (fallback: number, extra = {}) =>
  Type.Object(
    { limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, description: `Default ${fallback}` })), ...extra },
    { additionalProperties: true }
  )

export function oracleRoutes(app: FastifyInstance, { databases, tables, data }: OracleRouteDeps): void {
  databaseRoutes(app, databases, data)
  tableRoutes(app, tables)
  dataRoutes(app, data)
}

function databaseRoutes(app: FastifyInstance, databases: OracleDatabasesService, data: OracleDataService): void {
  const tags = ['Oracle databases']
  const BASE = '/api/oracle-databases/'

  app.get<{ Querystring: OracleDatabaseListQuery }>(
    BASE,
    {
      schema: {
        tags,
        summary: 'List monitored databases',
        querystring: OracleDatabaseListQuerySchema,
        response: { 200: Type.Array(OracleDatabaseSchema), 400: PrimaryErrorSchema }
      }
    },
    async (request) => databases.list(request.query)
  )

  app.post<{ Body: OracleDatabaseCreate }>(
    BASE,
    {
      schema: {
        tags,
        summary: 'Register a database',
        description:
          "Oracle (the default) is reached by exactly one of `sid` and `service_name`; `engine: 'postgresql'` (Vigil extension) " +
          'takes `database` instead, so PostgreSQL tables are watched the same way. `password` is write-only: stored encrypted, never returned.',
        body: OracleDatabaseCreateSchema,
        response: { 201: OracleDatabaseSchema, 400: PrimaryErrorSchema }
      }
    },
    async (request, reply) => reply.code(201).send(await databases.create(request.body))
  )

  app.get<Id>(
    `${BASE}:id/`,
    { schema: { tags, summary: 'Get a database', params: IdParams, response: { 200: OracleDatabaseSchema, 404: PrimaryErrorSchema } } },
    async (request) => databases.get(request.params.id)
  )

  for (const method of ['put', 'patch'] as const) {
    app[method]<Id & { Body: OracleDatabaseUpdate }>(
      `${BASE}:id/`,
      {
        schema: {
          tags,
          summary: 'Update a database',
          description:
            'Only the fields sent change; read-only fields sent back from a GET are ignored. An empty `password` clears the stored one. ' +
            'Changing where or as whom to connect closes the open connection and resets `connection_status` to unknown. `engine` cannot change.',
          params: IdParams,
          body: OracleDatabaseUpdateSchema,
          response: { 200: OracleDatabaseSchema, 400: PrimaryErrorSchema, 404: PrimaryErrorSchema }
        }
      },
      async (request) => databases.update(request.params.id, request.body)
    )
  }

  app.delete<Id>(
    `${BASE}:id/`,
    {
      schema: {
        tags,
        summary: 'Delete a database',
        description: 'Its tables, snapshots and tasks go with it; its connection is closed. Answers 204 with no body.',
        params: IdParams,
        response: { 204: Type.Null(), 404: PrimaryErrorSchema }
      }
    },
    async (request, reply) => {
      databases.delete(request.params.id)
      return reply.code(204).send()
    }
  )

  app.post<Id>(
    `${BASE}:id/test_connection/`,
    {
      schema: {
        tags,
        summary: 'Test the connection to a database',
        description:
          'Opens a new connection, pings, reads the version, and records the outcome as `connection_status`. ' +
          '`connection_time` is in seconds. On failure: 400 with `success: false` and the reason in `message`.',
        params: IdParams,
        response: { 200: OracleTestResultSchema, 400: orPrimaryError(OracleTestResultSchema), 404: PrimaryErrorSchema }
      }
    },
    async (request, reply) => {
      const result = await databases.test(request.params.id)
      return reply.code(result.success ? 200 : 400).send(result)
    }
  )

  app.get<Id>(
    `${BASE}:id/tables/`,
    {
      schema: {
        tags,
        summary: "The database's monitored tables",
        description: 'The tables configured for monitoring. The tables the account can read are listed by `discover_tables/`.',
        params: IdParams,
        response: { 200: Type.Array(OracleTableSchema), 404: PrimaryErrorSchema }
      }
    },
    async (request) => databases.tables(request.params.id)
  )

  app.get<Id & { Querystring: { schema_name?: string } }>(
    `${BASE}:id/discover_tables/`,
    {
      schema: {
        tags,
        summary: 'Tables the database account can read (Vigil extension)',
        description: 'From the data dictionary (ALL_TABLES, information_schema), optionally of one schema; `monitored_table_id` names the watched table.',
        params: IdParams,
        querystring: DiscoverQuerySchema,
        response: { 200: Type.Array(DiscoveredTableSchema), ...errors }
      }
    },
    async (request) => databases.discover(request.params.id, request.query)
  )

  app.get<Id & { Querystring: { schema_name: string; table_name: string } }>(
    `${BASE}:id/describe_table/`,
    {
      schema: {
        tags,
        summary: "A table's columns and primary key (Vigil extension)",
        params: IdParams,
        querystring: DescribeQuerySchema,
        response: { 200: TableColumnsSchema, ...errors }
      }
    },
    async (request) => databases.describe(request.params.id, request.query.schema_name, request.query.table_name)
  )

  app.get<Id>(
    `${BASE}:id/status/`,
    {
      schema: {
        tags,
        summary: "A database's status",
        description: '`recent_tasks` counts the tasks of the last 24 hours; `latest_snapshots` holds the newest snapshot of each table.',
        params: IdParams,
        response: { 200: DatabaseStatusSchema, 404: PrimaryErrorSchema }
      }
    },
    async (request) => data.status(request.params.id)
  )
}

function tableRoutes(app: FastifyInstance, tables: OracleTablesService): void {
  const tags = ['Oracle tables']
  const BASE = '/api/oracle-tables/'

  app.get<{ Querystring: OracleTableListQuery }>(
    BASE,
    {
      schema: {
        tags,
        summary: 'List monitored tables',
        querystring: OracleTableListQuerySchema,
        response: { 200: Type.Array(OracleTableSchema), 400: PrimaryErrorSchema }
      }
    },
    async (request) => tables.list(request.query)
  )

  app.post<{ Body: OracleTableCreate }>(
    BASE,
    {
      schema: {
        tags,
        summary: 'Monitor a table (Vigil extension: the spec documents no create route)',
        description:
          'The table and columns are looked up in the data dictionary (names as typed, else without case), `where_clause` is checked by ' +
          'Vigil (no `;`, comments, binds or statement keywords; balanced parentheses) and then parsed by the database, and `order_by` may ' +
          `list known columns only. \`columns_to_monitor\` empty or absent: all columns. \`max_rows\` defaults to 10000 (at most ${MAX_MAX_ROWS}); ` +
          'a snapshot of a bigger table keeps the first max_rows rows and says `truncated`.',
        body: OracleTableCreateSchema,
        response: { 201: OracleTableSchema, 400: PrimaryErrorSchema, 503: PrimaryErrorSchema }
      }
    },
    async (request, reply) => reply.code(201).send(await tables.add(request.body))
  )

  app.get<Id>(
    `${BASE}:id/`,
    { schema: { tags, summary: 'Get a monitored table', params: IdParams, response: { 200: OracleTableSchema, 404: PrimaryErrorSchema } } },
    async (request) => tables.get(request.params.id)
  )

  app.delete<Id>(
    `${BASE}:id/`,
    {
      schema: {
        tags,
        summary: 'Stop monitoring a table',
        description: 'Its snapshots and tasks go with it. Answers 204 with no body.',
        params: IdParams,
        response: { 204: Type.Null(), 404: PrimaryErrorSchema }
      }
    },
    async (request, reply) => {
      tables.remove(request.params.id)
      return reply.code(204).send()
    }
  )

  app.post<Id>(
    `${BASE}:id/monitor_now/`,
    {
      schema: {
        tags,
        summary: 'Snapshot a table now',
        description:
          'Runs a monitoring task and answers when it is done. `collection_time` is in seconds. A task already running for the table ' +
          'finishes first. On failure: 400 with `success: false`, the reason in `message` and the failed task in `task_id`.',
        params: IdParams,
        response: { 200: MonitorNowSchema, 400: orPrimaryError(MonitorNowSchema), 404: PrimaryErrorSchema }
      }
    },
    async (request, reply) => {
      const result = await tables.monitorNow(request.params.id)
      return reply.code(result.success ? 200 : 400).send(result)
    }
  )

  app.get<Id>(
    `${BASE}:id/current_data/`,
    {
      schema: {
        tags,
        summary: "The latest snapshot's rows",
        description: 'Answers 404 until the first snapshot is taken. Tables without a primary key carry each row\'s ROWID or ctid as `__vigil_row_id`.',
        params: IdParams,
        response: { 200: CurrentDataSchema, 404: PrimaryErrorSchema }
      }
    },
    async (request) => {
      const current = tables.currentData(request.params.id)
      if (!current) throw new AppError('not_found', 'No data has been collected for this table yet')
      return current
    }
  )

  app.get<Id & { Querystring: { limit?: number; include_data?: boolean } }>(
    `${BASE}:id/history/`,
    {
      schema: {
        tags,
        summary: "A table's snapshots, newest first",
        description: 'Each with a five-row `data_preview`; `include_data=true` adds every row.',
        params: IdParams,
        querystring: LimitQuery(10, { include_data: Type.Optional(Type.Boolean()) }),
        response: { 200: Type.Array(HistoryItemSchema), 400: PrimaryErrorSchema, 404: PrimaryErrorSchema }
      }
    },
    async (request) => tables.history(request.params.id, request.query)
  )

  app.get<Id & { Querystring: { limit?: number } }>(
    `${BASE}:id/monitoring_tasks/`,
    {
      schema: {
        tags,
        summary: "A table's monitoring tasks, newest first",
        params: IdParams,
        querystring: LimitQuery(20),
        response: { 200: Type.Array(OracleTaskSchema), 400: PrimaryErrorSchema, 404: PrimaryErrorSchema }
      }
    },
    async (request) => tables.tasks(request.params.id, request.query)
  )

  app.post<Id & { Body: OracleTableConfig }>(
    `${BASE}:id/update_config/`,
    {
      schema: {
        tags,
        summary: "Change a table's monitoring configuration",
        description:
          'Only the fields sent change. Columns, `where_clause` and `order_by` are checked as on creation, against the database, before ' +
          'anything is saved; a refusal is a 400 naming the field. A change to what is selected starts a new baseline.',
        params: IdParams,
        body: OracleTableConfigSchema,
        response: {
          200: Type.Object({ success: Type.Literal(true), message: Type.String(), table: OracleTableSchema }),
          ...errors
        }
      }
    },
    async (request) => ({ success: true, message: 'Configuration updated', table: await tables.updateConfig(request.params.id, request.body) })
  )
}

function dataRoutes(app: FastifyInstance, data: OracleDataService): void {
  app.get<{ Querystring: OracleDataListQuery }>(
    '/api/oracle-data/',
    {
      schema: {
        tags: ['Oracle data'],
        summary: 'List snapshots, newest first',
        description: 'Paginated (`page`, `per_page` up to 100, default 25). Each item has a five-row `data_preview`; `/api/oracle-data/{id}/` has all rows.',
        querystring: OracleDataListQuerySchema,
        response: { 200: SnapshotPageSchema, 400: PrimaryErrorSchema }
      }
    },
    async (request) => data.list(request.query)
  )

  app.get(
    '/api/oracle-data/latest_by_table/',
    {
      schema: {
        tags: ['Oracle data'],
        summary: 'The newest snapshot of every table',
        response: { 200: Type.Array(SnapshotSummarySchema) }
      }
    },
    async () => data.latestByTable()
  )

  app.get<Id>(
    '/api/oracle-data/:id/',
    {
      schema: {
        tags: ['Oracle data'],
        summary: 'One snapshot with all its rows (Vigil extension)',
        params: IdParams,
        response: { 200: SnapshotDetailSchema, 404: PrimaryErrorSchema }
      }
    },
    async (request) => data.get(request.params.id)
  )

  app.get<Id>(
    '/api/oracle-data/:id/diff/',
    {
      schema: {
        tags: ['Oracle data'],
        summary: 'A snapshot against its predecessor, row by row (Vigil extension)',
        description:
          'Rows added and removed, and changed rows with both versions and the columns that differ. The first snapshot of a table, and the ' +
          'first after a configuration change, is a `baseline` with nothing to compare.',
        params: IdParams,
        response: { 200: SnapshotDiffSchema, 404: PrimaryErrorSchema }
      }
    },
    async (request) => data.diff(request.params.id)
  )

  app.get<{ Querystring: OracleTaskListQuery }>(
    '/api/oracle-tasks/',
    {
      schema: {
        tags: ['Oracle tasks'],
        summary: 'List monitoring tasks, newest first',
        description: 'Paginated (`page`, `per_page` up to 100, default 25).',
        querystring: OracleTaskListQuerySchema,
        response: { 200: TaskPageSchema, 400: PrimaryErrorSchema }
      }
    },
    async (request) => data.tasks(request.query)
  )

  app.get(
    '/api/oracle-tasks/statistics/',
    {
      schema: {
        tags: ['Oracle tasks'],
        summary: 'Task statistics',
        description: '`recent_tasks_24h`: tasks created in the last 24 hours; `recent_failures_1h`: failed tasks created in the last hour.',
        response: { 200: TaskStatisticsSchema }
      }
    },
    async () => data.statistics()
  )

  app.get<Id>(
    '/api/oracle-tasks/:id/',
    { schema: { tags: ['Oracle tasks'], summary: 'Get a task', params: IdParams, response: { 200: OracleTaskSchema, 404: PrimaryErrorSchema } } },
    async (request) => data.task(request.params.id)
  )

  for (const method of ['get', 'post'] as const) {
    app[method](
      '/api/oracle/dashboard/',
      {
        // The spec answers POST as GET: a read.
        config: { access: 'read' },
        schema: {
          tags: ['Oracle dashboard'],
          summary: 'Table monitoring at a glance',
          description:
            '`connection_rate` is the percentage of databases whose last connection succeeded; `recent_*` cover the last 24 hours; ' +
            '`latest_data` lists the ten most recently read tables.',
          response: { 200: DashboardSchema }
        }
      },
      async () => data.dashboard()
    )
  }
}
