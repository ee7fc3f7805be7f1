// SQL models (platform-api.md "dbt Operations", issue 17 item 4): named SELECTs kept as files in
// <dataDir>/models, with {{ ref('other') }} dependencies, built in dependency order in a models
// database of their own (models.db) that reads Vigil's store as the `vigil` schema and the
// imported CSV tables as `imports`.
import type { LogLevel, PlatformEvent } from '../../shared/platform'
import type { FailureReport } from '../base/background'
import { ModelsService } from './models-service'
import type { StoreReader } from './store-tables'

export { ModelRunRunning, ModelsService } from './models-service'
export { STORE_TABLES, STORE_WINDOW_HOURS, type StoreReader } from './store-tables'
export { MODELS_DB_FILE, IMPORTS_SCHEMA } from './models-db'

export interface ModelsDeps {
  dataDir: string
  store: StoreReader
  log: (source: string, level: LogLevel, message: string) => void
  event: (event: PlatformEvent) => void
  /** A failure of the schedule's periodic check. */
  onError: FailureReport
}

export function createModelsFeature(deps: ModelsDeps): ModelsService {
  return new ModelsService(deps)
}
