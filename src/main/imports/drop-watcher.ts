// The drop folder: `<dataDir>/drop/<source name>/`. A file put there (copied, moved, written by
// a cron job) is moved into the source's upload directory and imported — once the folder has
// been quiet for the debounce, so a file still being written is not taken half-way. Watched with
// fs.watch (inotify on Linux); the folders are also read at start, for files dropped while Vigil
// was not running.
import { mkdirSync, readdirSync, statSync, watch, type FSWatcher } from 'node:fs'
import { join } from 'node:path'
import type { WatcherStatus } from '../../shared/platform'
import { reportingFailures } from '../base/background'
import type { ImportSourceRow } from './imports-repo'
import { ImportsService } from './imports-service'

export const DROP_DIR = 'drop'
export const DEFAULT_DEBOUNCE_MS = 2_000

export interface DropWatcherDeps {
  root: string
  debounceMs: number
  sources: () => ImportSourceRow[]
  /** Moves a dropped file into the source's upload directory. */
  adopt: (name: string, path: string) => void
  /** Imports what the source has now. */
  trigger: (name: string) => void
  onError: (error: unknown) => void
}

export class DropWatcher {
  private rootWatcher: FSWatcher | null = null
  private readonly watchers = new Map<string, FSWatcher>()
  private readonly timers = new Map<string, NodeJS.Timeout>()

  constructor(private readonly deps: DropWatcherDeps) {}

  get running(): boolean {
    return this.rootWatcher !== null
  }

  dirOf(name: string): string {
    return join(this.deps.root, name)
  }

  start(): void {
    if (this.rootWatcher) return
    mkdirSync(this.deps.root, { recursive: true, mode: 0o700 })
    this.rootWatcher = watch(this.deps.root, () => this.refresh())
    this.rootWatcher.on('error', (error) => this.deps.onError(error))
    this.refresh()
    for (const name of this.watchers.keys()) this.schedule(name)
  }

  /** Watches each source's folder (made if missing), forgets those of deleted sources. */
  refresh(): void {
    if (!this.rootWatcher) return
    const names = new Set(this.deps.sources().map((source) => source.name))
    for (const [name, watcher] of this.watchers) {
      if (names.has(name)) continue
      watcher.close()
      this.watchers.delete(name)
    }
    for (const name of names) {
      if (this.watchers.has(name)) continue
      const dir = this.dirOf(name)
      try {
        mkdirSync(dir, { recursive: true, mode: 0o700 })
        const watcher = watch(dir, () => this.schedule(name))
        watcher.on('error', (error) => this.deps.onError(error))
        this.watchers.set(name, watcher)
      } catch (error) {
        this.deps.onError(error)
      }
    }
  }

  /** Debounced: the take runs once the folder has been quiet for debounceMs. */
  schedule(name: string): void {
    clearTimeout(this.timers.get(name))
    const timer = setTimeout(
      reportingFailures(() => {
        this.timers.delete(name)
        this.take(name)
      }, this.deps.onError),
      this.deps.debounceMs
    )
    timer.unref()
    this.timers.set(name, timer)
  }

  private take(name: string): void {
    const source = this.deps.sources().find((candidate) => candidate.name === name)
    if (!source) return
    const suffix = ImportsService.patternOf(source).slice(1)
    const dir = this.dirOf(name)
    let taken = 0
    let names: string[] = []
    try {
      names = readdirSync(dir)
    } catch {
      return
    }
    for (const file of names) {
      if (file.startsWith('.') || !file.toLowerCase().endsWith(suffix)) continue
      const path = join(dir, file)
      try {
        if (!statSync(path).isFile()) continue
        this.deps.adopt(name, path)
        taken++
      } catch (error) {
        this.deps.onError(error)
      }
    }
    if (taken > 0) this.deps.trigger(name)
  }

  status(): WatcherStatus {
    return {
      running: this.running,
      pid: this.running ? process.pid : null,
      auto_sync_enabled: true,
      // SQL models are not run on import (the models feature runs them on its own).
      auto_dbt_enabled: false,
      debounce_seconds: Math.round(this.deps.debounceMs / 1000),
      watch_patterns: ['*.csv', '*.nmon'],
      watch_directories: [...this.watchers.keys()].sort().map((name) => this.dirOf(name))
    }
  }

  stop(): void {
    for (const timer of this.timers.values()) clearTimeout(timer)
    this.timers.clear()
    for (const watcher of this.watchers.values()) watcher.close()
    this.watchers.clear()
    this.rootWatcher?.close()
    this.rootWatcher = null
  }
}
