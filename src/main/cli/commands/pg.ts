// `vigil pg activity INSTANCE`: the PostgreSQL agent face's GET /pg/{id}/activity
// (postgres-agent-api.md) for a registered instance, by id or name.
import type { ActivityRow } from '../../../shared/pg-agent'
import { commandContext } from '../context'
import { EXIT, usageError } from '../exit-codes'
import { findInstance } from '../lookup'
import { formatTable, type Column } from '../tables'

export const PG_HELP = `  vigil pg activity INSTANCE
      The backends of a registered PostgreSQL instance (id or name), as the agent API lists them.`

const ACTIVITY_COLUMNS: Column<ActivityRow>[] = [
  { header: 'PID', value: (row) => row.pid, align: 'right' },
  { header: 'DATABASE', value: (row) => row.database },
  { header: 'USER', value: (row) => row.user },
  { header: 'CLIENT', value: (row) => row.client },
  { header: 'STATE', value: (row) => row.state },
  { header: 'WAIT', value: (row) => row.wait },
  { header: 'DURATION', value: (row) => row.duration, align: 'right' },
  { header: 'CPU%', value: (row) => row.cpu, align: 'right' },
  { header: 'MEM%', value: (row) => row.memory, align: 'right' },
  { header: 'QUERY', value: (row) => row.query, max: 80 }
]

export async function pgCommand(args: string[]): Promise<number> {
  const ctx = commandContext(args, {}, 'vigil pg')
  if (ctx.values.help) return (ctx.out(`Usage:\n${PG_HELP}`), EXIT.ok)
  const [action, instance, ...rest] = ctx.positionals
  if (action !== 'activity') throw usageError(action === undefined ? 'vigil pg needs activity' : `unknown action 'vigil pg ${action}'`)
  if (instance === undefined || rest.length) throw usageError('vigil pg activity takes one instance: its id or name')
  const { id } = await findInstance(ctx.api, instance)
  const activity = await ctx.api.request<{ rows: ActivityRow[] }>('GET', `/pg/${id}/activity`)
  if (ctx.json) ctx.printJson(activity)
  else ctx.out(formatTable(ACTIVITY_COLUMNS, activity.rows))
  return EXIT.ok
}
