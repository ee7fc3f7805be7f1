import { useEffect, useMemo, useRef, useState } from 'react'
import { LOG_LEVELS, type LogEntry, type LogLevel } from '../../../../shared/platform'
import { Notices } from '../../components/Notices'
import { useLoad } from '../../hooks/use-load'
import { call, subscribe } from '../../transport/client'

const LIMIT = 1000
/** Events come in bursts (a cascade, a fleet reconnecting): one reload per this many ms at most. */
const RELOAD_EVERY_MS = 500

/**
 * The activity log (GET /api/logs): collectors' lines, Vigil's own, model runs and the audit
 * trail, newest first, filtered by level and text, and reloaded as platform events, collector
 * states and audit entries arrive on the event bus.
 */
export function ActivityView() {
  const log = useLoad<LogEntry[]>(() => call('activity.list', { limit: LIMIT }), [])
  const [levels, setLevels] = useState<ReadonlySet<LogLevel>>(() => new Set(LOG_LEVELS))
  const [text, setText] = useState('')
  const pending = useRef<ReturnType<typeof setTimeout> | null>(null)
  const { reload } = log

  useEffect(() => {
    const soon = (): void => {
      pending.current ??= setTimeout(() => {
        pending.current = null
        reload()
      }, RELOAD_EVERY_MS)
    }
    const unsubscribers = [subscribe('platform.event', soon), subscribe('servers.state', soon), subscribe('audit.recorded', soon)]
    return () => {
      for (const unsubscribe of unsubscribers) unsubscribe()
      if (pending.current) clearTimeout(pending.current)
      pending.current = null
    }
  }, [reload])

  const shown = useMemo(() => {
    const needle = text.trim().toLowerCase()
    return (log.data ?? [])
      .filter((line) => levels.has(line.level) && (needle === '' || `${line.source ?? ''} ${line.message}`.toLowerCase().includes(needle)))
      .reverse()
  }, [log.data, levels, text])

  const toggle = (level: LogLevel): void =>
    setLevels((current) => {
      const next = new Set(current)
      if (next.has(level)) next.delete(level)
      else next.add(level)
      return next
    })

  return (
    <section className="view" aria-labelledby="activity-title">
      <header className="view-header">
        <h1 id="activity-title">Activity</h1>
        <button type="button" onClick={() => reload()}>
          Refresh
        </button>
      </header>
      <Notices error={log.error} />
      <div className="activity-filters" role="group" aria-label="Filter">
        {LOG_LEVELS.map((level) => (
          <label key={level} className="checkbox">
            <input type="checkbox" checked={levels.has(level)} onChange={() => toggle(level)} /> {level}
          </label>
        ))}
        <input type="search" placeholder="Filter by source or text" value={text} onChange={(event) => setText(event.target.value)} aria-label="Filter by source or text" />
        <span className="hint">
          {shown.length.toLocaleString()} of {(log.data ?? []).length.toLocaleString()} lines
        </span>
      </div>
      <ol className="log-lines activity-lines mono" aria-label="Activity log" aria-busy={log.loading}>
        {shown.map((line, index) => (
          <li key={`${line.timestamp}-${shown.length - index}`} className={`log-${line.level.toLowerCase()}`} data-level={line.level}>
            <time dateTime={line.timestamp}>{new Date(line.timestamp).toLocaleString()}</time> <span className="log-level">{line.level}</span>{' '}
            {line.source ? <span className="log-source">{line.source}</span> : null} {line.message}
          </li>
        ))}
        {log.data && shown.length === 0 ? <li className="hint">No line matches.</li> : null}
      </ol>
    </section>
  )
}
