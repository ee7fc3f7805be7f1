// Import sources as the sources see them (platform-api.md's GET /api/sources): a source per
// import source, its rows those its files loaded, failing while a file of it is refused, its
// sync the import of the files not yet loaded.
import type { CollectorView, SourceProvider } from '../sources'
import { IMPORTS_SCHEMA } from './imports-db'
import type { ImportsService } from './imports-service'
import type { ImportsRepo } from './imports-repo'

export function importSources(service: ImportsService, repo: ImportsRepo, dropDir: (name: string) => string): SourceProvider {
  return {
    list: () =>
      service.sources().map((source) => {
        const files = repo.files(source.id)
        const failed = files.filter((file) => file.status === 'failed')
        const loaded = files.filter((file) => file.status === 'success')
        const rows = loaded.reduce((sum, file) => sum + file.rows_loaded, 0)
        const lastLoaded = loaded.reduce<number | null>((latest, file) => (file.loaded_at !== null && (latest === null || file.loaded_at > latest) ? file.loaded_at : latest), null)
        const error = failed.length === 0 ? null : failed.map((file) => `${file.filename}: ${file.bad_rows} bad row${file.bad_rows === 1 ? '' : 's'}${file.errors[0] ? ` (line ${file.errors[0].line}: ${file.errors[0].message})` : ''}`).join('; ')
        // Rows are the loaded files' (a file's rows go with it): no count(*) over a big table per list.
        const table =
          source.type === 'csv_table'
            ? { name: source.name, schema: IMPORTS_SCHEMA, rows }
            : source.type === 'csv_metrics'
              ? { name: source.name, schema: 'csv', rows }
              : { name: 'server_history', schema: 'raw', rows }
        return {
          key: `import:${source.id}`,
          name: source.name,
          type: source.type,
          id: String(source.id),
          enabled: true,
          state: failed.length > 0 ? 'file_refused' : files.some((file) => file.status === 'loading') ? 'importing' : 'idle',
          error,
          failing: failed.length > 0,
          starting: false,
          running: false,
          lastUpdate: lastLoaded,
          tables: [table],
          config: () => ({ ...source.options, upload_directory: service.uploadDir(source.name), drop_directory: dropDir(source.name), files: files.length })
        } satisfies CollectorView
      }),
    async sync(view, log) {
      const rows = await service.sync(view.name, log ?? (() => undefined))
      return { rows, warning: null }
    }
  }
}
