import type { Db } from './db'

export type SettingsRepo = ReturnType<typeof createSettingsRepo>

/** Small key/value facts about this data dir. */
export function createSettingsRepo(db: Db) {
  const read = db.prepare('SELECT value FROM settings WHERE key = ?')
  const write = db.prepare('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value')
  return {
    get(key: string): string | undefined {
      return (read.get(key) as { value: string } | undefined)?.value
    },
    set(key: string, value: string): void {
      write.run(key, value)
    }
  }
}
