// platform-api.md's "CSV Operations" (upload-csv, csv-files) and Vigil's extension for import
// sources: POST /api/sources creates one, DELETE /api/sources/{name} deletes it. Multipart is
// registered in the platform face's scope only; an upload is streamed to disk, never buffered.
import multipart from '@fastify/multipart'
import type { FastifyInstance } from 'fastify'
import Type from 'typebox'
import { AppError } from '../../../shared/errors'
import { CreateImportSourceSchema, CsvFilesSchema, FileDeletedSchema, UploadedSchema } from '../../../shared/imports'
import { basename } from 'node:path'
import { SourceSchema } from '../../../shared/platform'
import { UploadTooLarge, type ImportsFeature } from '../../imports'
import type { SourcesService } from '../../sources'

const ErrorSchema = Type.Object({ detail: Type.String() })
const SourceParams = Type.Object({ source_name: Type.String() })
const tags = ['Platform']

export async function importsRoutes(app: FastifyInstance, imports: ImportsFeature, sources: SourcesService): Promise<void> {
  const { service } = imports
  const limit = service.maxUploadBytes
  await app.register(multipart, { limits: { fileSize: limit, files: 1, fields: 10, parts: 20 } })

  app.post(
    '/api/sources',
    {
      schema: {
        tags,
        summary: 'Create an import source (Vigil)',
        description:
          '`{"name", "type": "csv_metrics" | "csv_table" | "nmon", …options}`: a metrics CSV under a mapping into the series store, a generic CSV into a raw table of imports.db, ' +
          'or nmon recordings into the history of the registered server `server_id`. README, "Imports".',
        body: CreateImportSourceSchema,
        response: { 201: SourceSchema, 400: ErrorSchema }
      }
    },
    async (request, reply) => {
      const created = imports.createSource(request.body)
      const source = sources.list().find((candidate) => candidate.name === created.name)
      return reply.code(201).send(source)
    }
  )

  app.delete<{ Params: { source_name: string } }>(
    '/api/sources/:source_name',
    {
      schema: {
        tags,
        summary: 'Delete an import source (Vigil)',
        description: 'Its files and, for csv_table, its table go with it; samples already in the series store stay. Collectors are removed where they are configured.',
        params: SourceParams,
        response: { 200: Type.Object({ success: Type.Boolean(), message: Type.String(), source_name: Type.String() }), 400: ErrorSchema, 404: ErrorSchema, 409: ErrorSchema }
      }
    },
    async (request) => {
      const name = request.params.source_name
      importSourceOf(name, service, sources)
      await imports.removeSource(name)
      return { success: true, message: `Source deleted: ${name}`, source_name: name }
    }
  )

  app.post<{ Params: { source_name: string }; Querystring: { trigger_sync?: boolean } }>(
    '/api/sources/:source_name/upload-csv',
    {
      schema: {
        tags,
        summary: 'Upload a file to an import source',
        description: `Multipart form with a \`file\` field, streamed to the source's directory (at most ${limit} bytes: 413 beyond). \`trigger_sync\` imports it at once.`,
        params: SourceParams,
        querystring: Type.Object({ trigger_sync: Type.Optional(Type.Boolean({ default: false })) }),
        consumes: ['multipart/form-data'],
        response: { 200: UploadedSchema, 400: ErrorSchema, 404: ErrorSchema, 413: ErrorSchema }
      }
    },
    async (request) => {
      const name = request.params.source_name
      importSourceOf(name, service, sources)
      if (!request.isMultipart()) throw new AppError('validation', 'The body must be multipart/form-data with a `file` field')
      let part
      try {
        part = await request.file()
      } catch (error) {
        throw multipartError(error, limit)
      }
      if (!part) throw AppError.invalidField('file', 'is required: a multipart `file` field')
      if (part.fieldname !== 'file') {
        part.file.resume()
        throw AppError.invalidField('file', `is required: the part is named ${JSON.stringify(part.fieldname)}`)
      }
      let saved
      try {
        saved = await service.upload(name, part.filename, part.file)
      } catch (error) {
        throw multipartError(error, limit)
      }
      imports.announce('csv_uploaded', name, saved.filename)
      const autoSync = request.query.trigger_sync === true
      if (autoSync) imports.syncSoon(name)
      return { success: true, message: `CSV uploaded successfully: ${saved.filename}`, source_name: name, file_path: saved.path, file_name: saved.filename, auto_sync: autoSync }
    }
  )

  app.get<{ Params: { source_name: string } }>(
    '/api/sources/:source_name/csv-files',
    { schema: { tags, summary: 'The files of an import source, with what each import did', params: SourceParams, response: { 200: CsvFilesSchema, 400: ErrorSchema, 404: ErrorSchema } } },
    async (request) => {
      importSourceOf(request.params.source_name, service, sources)
      return service.files(request.params.source_name)
    }
  )

  app.delete<{ Params: { source_name: string }; Querystring: { file_path?: string } }>(
    '/api/sources/:source_name/csv-files',
    {
      schema: {
        tags,
        summary: 'Delete a file of an import source',
        description: "`file_path` as the listing gives it (or the bare file name); only files of the source's directory. A csv_table file's rows go with it.",
        params: SourceParams,
        querystring: Type.Object({ file_path: Type.Optional(Type.String()) }),
        response: { 200: FileDeletedSchema, 400: ErrorSchema, 404: ErrorSchema }
      }
    },
    async (request) => {
      const name = request.params.source_name
      importSourceOf(name, service, sources)
      const deleted = await service.deleteFile(name, request.query.file_path)
      imports.announce('csv_deleted', name, basename(deleted.file_path))
      return deleted
    }
  )
}

/** The import source `name`: 404 when no source has the name, 400 when it is a collector. */
function importSourceOf(name: string, service: ImportsFeature['service'], sources: SourcesService): void {
  if (service.sources().some((source) => source.name === name)) return
  if (sources.views().some((view) => view.name === name)) throw new AppError('validation', `Source '${name}' is a collector, not an import source`)
  throw new AppError('not_found', `Source '${name}' not found`)
}

/** @fastify/multipart's errors in the face's terms: a file over the limit is a 413. */
function multipartError(error: unknown, limit: number): unknown {
  if (error instanceof AppError) return error
  const code = (error as { code?: string }).code
  if (code === 'FST_REQ_FILE_TOO_LARGE') return new UploadTooLarge(limit)
  if (typeof code === 'string' && code.startsWith('FST_')) return new AppError('validation', (error as Error).message)
  return error
}
