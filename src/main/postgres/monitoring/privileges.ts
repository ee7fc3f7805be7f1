import { AppError } from '../../../shared/errors'

const INSUFFICIENT_PRIVILEGE = '42501'

/**
 * Runs a read that may be refused for lack of a privilege, and turns that refusal into an error
 * that names what was being read and the role or grant it needs, e.g. "The wal_files probe
 * needs the pg_monitor role (…): permission denied for function pg_ls_waldir". Other failures
 * pass through for the pool to classify.
 */
export async function needing<T>(read: Promise<T>, what: string, needs: string): Promise<T> {
  try {
    return await read
  } catch (error) {
    const { code, message } = error as { code?: unknown; message?: unknown }
    if (code !== INSUFFICIENT_PRIVILEGE) throw error
    throw new AppError('forbidden', `${what} needs ${needs}: ${String(message)}`, {
      extra: { reason: 'insufficient_privilege', sqlstate: INSUFFICIENT_PRIVILEGE }
    })
  }
}
