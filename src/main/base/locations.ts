// Where `vigil serve` listens and keeps its data by default, and where it says it runs. Apart from
// config.ts (which re-exports them) because the `vigil` client commands need them too and must not
// load the server's core to learn them.
import { homedir } from 'node:os'
import { join } from 'node:path'

export const DEFAULT_PORT = 7420
export const DEFAULT_HOST = '127.0.0.1'
/** Where `vigil serve` records its URL in the data dir, for the commands that reach it (login-url, import-metrics). */
export const SERVE_FILE = 'serve.json'

/** The platform's app-data folder, the same one Electron's `userData` uses for "Vigil". */
export function defaultDataDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  if (env.VIGIL_DATA_DIR) return env.VIGIL_DATA_DIR
  if (platform === 'win32') return join(env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), 'Vigil')
  if (platform === 'darwin') return join(homedir(), 'Library', 'Application Support', 'Vigil')
  return join(env.XDG_CONFIG_HOME ?? join(homedir(), '.config'), 'Vigil')
}
