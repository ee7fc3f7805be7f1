// Imports (issue 17 item 3): import sources fed CSV and nmon files — uploaded, or put in the
// drop folder — into the series store, a server's history, or a raw table of imports.db.
import { basename, join } from 'node:path'
import { isoSeconds } from '../../shared/time'
import type { FailureReport } from '../base/background'
import type { EventBus } from '../base/bus'
import type { Db } from '../base/db/db'
import type { SeriesStore } from '../base/series/series-store'
import { SyncRunning, type SourceProvider, type SourcesService } from '../sources'
import { DEFAULT_DEBOUNCE_MS, DROP_DIR, DropWatcher } from './drop-watcher'
import { importSources } from './import-sources'
import { IMPORTS_DB_FILE, ImportsDb } from './imports-db'
import { createImportsRepo, type ImportSourceRow } from './imports-repo'
import { ImportsService } from './imports-service'

export { ImportsService, UploadTooLarge } from './imports-service'
export type { ImportSourceRow } from './imports-repo'
export { IMPORTS_DB_FILE, IMPORTS_SCHEMA } from './imports-db'

export interface ImportsDeps {
  dataDir: string
  db: Db
  series: SeriesStore
  /** Where csv_uploaded and csv_deleted go (/ws). */
  bus: EventBus
  serverExists: (id: string) => boolean
  /** The drop folder's quiet time before it imports (default 2 s). */
  dropDebounceMs?: number
  maxUploadBytes?: number
  /** A failure of the drop folder's watch or of a sync it started. */
  onError: FailureReport
}

export interface ImportsFeature {
  service: ImportsService
  provider: SourceProvider
  watcher: DropWatcher
  /** Tells /ws that a file arrived in (or left) a source's directory, however it came. */
  announce(type: 'csv_uploaded' | 'csv_deleted', source: string, file: string): void
  /** Starts a sync of the source, or one after the sync under way (whose files it may have missed). */
  syncSoon(name: string): void
  /** Creates an import source (its name unused by any source) and watches its drop folder. */
  createSource(body: unknown): ImportSourceRow
  /** Deletes an import source once a sync of it under way has ended. */
  removeSource(name: string): Promise<void>
  /** Starts the drop folder's watch; syncs go through the sources (their runs, logs and events). */
  start(sources: SourcesService): void
  close(): void
}

export function createImportsFeature(deps: ImportsDeps): ImportsFeature {
  const repo = createImportsRepo(deps.db)
  const tables = new ImportsDb(join(deps.dataDir, IMPORTS_DB_FILE))
  const service = new ImportsService({ dataDir: deps.dataDir, repo, tables, store: deps.series, serverExists: deps.serverExists, maxUploadBytes: deps.maxUploadBytes })
  let sources: SourcesService | null = null
  const syncSoon = (name: string): void => {
    const attempt = async (): Promise<void> => {
      for (;;) {
        if (sources === null) return
        try {
          sources.sync(name)
          return
        } catch (error) {
          if (!(error instanceof SyncRunning)) throw error
          await sources.settled(name)
        }
      }
    }
    attempt().catch(deps.onError)
  }
  const announce: ImportsFeature['announce'] = (type, source, file) => deps.bus.publish('platform.event', { type, source, file, timestamp: isoSeconds(Date.now()) })
  const watcher = new DropWatcher({
    root: join(deps.dataDir, DROP_DIR),
    debounceMs: deps.dropDebounceMs ?? DEFAULT_DEBOUNCE_MS,
    sources: () => service.sources(),
    adopt: (name, path) => {
      service.adopt(name, path)
      announce('csv_uploaded', name, basename(path))
    },
    trigger: syncSoon,
    onError: deps.onError
  })
  return {
    service,
    announce,
    createSource(body) {
      const created = service.create(body, (name) => sources?.views().some((view) => view.name === name) === true)
      watcher.refresh()
      return created
    },
    async removeSource(name) {
      service.source(name)
      await sources?.settled(name)
      await service.remove(name)
      watcher.refresh()
    },
    provider: importSources(service, repo, (name) => watcher.dirOf(name)),
    watcher,
    syncSoon,
    start(attached) {
      sources = attached
      watcher.start()
      // An import cut short (Vigil stopped or crashed mid-file) carries on after its last batch.
      for (const source of service.sources()) if (repo.files(source.id).some((file) => file.status === 'loading')) syncSoon(source.name)
    },
    close() {
      sources = null
      watcher.stop()
      tables.close()
    }
  }
}
