// sysmon-prometheus-api.md, "OpenMetrics Dashboard Workspace API" and "OpenMetrics Dashboard
// Collection Target API": workspaces (Prometheus jobs) and collection targets under
// /v1.0/projects/{projectId}. Every answer is the spec's envelope
// `{header:{isSuccessful,resultCode,resultMessage}, body}`; refusals the spec gives a result
// code are answered on HTTP 200 with that code (result-codes.ts), a missing or wrong credential
// with 401 and a project other than Vigil's one (`default`) with 403, both in the same envelope.
// Vigil's credential, as on every face: the API token as the spec's `X-TC-APP-KEY` or as
// `Authorization: Bearer` (security.ts), or a browser session. The spec's X-SYSMON-REGION header
// is accepted and ignored (Vigil has one region: this machine).
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { AppError } from '../../../shared/errors'
import { PROJECT_ID, RESULT_CODES, WorkspaceError, type ResultName, type WorkspacesService } from '../../prometheus'
import { HttpRefusal, STATUS_OF } from '../errors'
import type { ApiFace } from '../face'

export interface Envelope<T = unknown> {
  header: { isSuccessful: boolean; resultCode: number; resultMessage: string; resultDetail?: string }
  body: T
}

export function success<T>(body: T): Envelope<T> {
  return { header: { isSuccessful: true, resultCode: RESULT_CODES.SUCCESS, resultMessage: 'SUCCESS' }, body }
}

/** An AppError that carries one of the spec's result codes (answered on HTTP 200). */
class ResultError extends AppError {
  constructor(
    readonly result: Exclude<ResultName, 'SUCCESS'>,
    message: string
  ) {
    super('validation', message)
  }
}

/** HTTP-level refusals keep their status; anything a request body or a service got wrong is a result code on 200. */
function resultOf(error: AppError): { status: number; code: number; message: string } {
  if (error instanceof ResultError) return { status: 200, code: RESULT_CODES[error.result], message: error.result }
  if (error instanceof HttpRefusal || error.code === 'unauthorized' || error.code === 'forbidden' || error.code === 'not_found' || error.code === 'too_many_requests') {
    const status = STATUS_OF[error.code]
    return { status, code: status, message: error.code.toUpperCase() }
  }
  if (error.code === 'internal' || error.code === 'unavailable') return { status: 200, code: RESULT_CODES.INTERNAL_SERVER_ERROR, message: 'INTERNAL_SERVER_ERROR' }
  return { status: 200, code: RESULT_CODES.BAD_INPUT_VALUE, message: 'BAD_INPUT_VALUE' }
}

export function openMetricsFace(workspaces: WorkspacesService): ApiFace {
  return {
    name: 'openmetrics',
    prefix: '/v1.0/projects',
    errorStatus: (error) => resultOf(error).status,
    // Workspaces and targets are what Prometheus scrapes.
    areas: [['/v1.0/projects', 'prometheus']],
    errorBody: (error): Envelope<null> => {
      const { code, message } = resultOf(error)
      return { header: { isSuccessful: false, resultCode: code, resultMessage: message, resultDetail: error.message }, body: null }
    },
    routes: (scope) => routes(scope, workspaces)
  }
}

type Params = { projectId: string; jobId: string; targetId: string }

async function routes(scope: FastifyInstance, workspaces: WorkspacesService): Promise<void> {
  // Its own spec, not part of Vigil's OpenAPI document.
  scope.addHook('onRoute', (options) => {
    options.schema = { ...options.schema, hide: true }
  })
  scope.addHook('preHandler', async (request) => {
    const { projectId } = request.params as Partial<Params>
    if (projectId !== undefined && projectId !== PROJECT_ID) {
      throw new AppError('forbidden', `Vigil has one project, '${PROJECT_ID}'; ${JSON.stringify(projectId)} is not accessible`)
    }
  })
  const answer =
    <T>(handler: (params: Params, body: unknown) => T) =>
    async (request: FastifyRequest): Promise<Envelope<T>> => {
      try {
        return success(handler(request.params as Params, request.body))
      } catch (error) {
        if (error instanceof WorkspaceError) throw new ResultError(error.result, error.message)
        throw error
      }
    }
  scope.get('/:projectId/jobs', answer(() => workspaces.listJobs()))
  scope.post('/:projectId/jobs', answer((_params, body) => workspaces.createJob(body)))
  scope.get('/:projectId/jobs/:jobId', answer(({ jobId }) => workspaces.getJob(jobId)))
  scope.put('/:projectId/jobs/:jobId', answer(({ jobId }, body) => workspaces.modifyJob(jobId, body)))
  scope.delete('/:projectId/jobs/:jobId', answer(({ jobId }) => workspaces.deleteJob(jobId)))
  scope.get('/:projectId/servers', answer(() => workspaces.servers()))
  scope.get('/:projectId/jobs/:jobId/targets', answer(({ jobId }) => workspaces.listTargets(jobId)))
  scope.post('/:projectId/jobs/:jobId/targets', answer(({ jobId }, body) => workspaces.createTarget(jobId, body)))
  scope.get('/:projectId/jobs/:jobId/targets/:targetId', answer(({ jobId, targetId }) => workspaces.getTarget(jobId, targetId)))
  scope.delete('/:projectId/jobs/:jobId/targets/:targetId', answer(({ jobId, targetId }) => workspaces.deleteTarget(jobId, targetId)))
}
