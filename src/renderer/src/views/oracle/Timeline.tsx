import { useMemo, useRef, type KeyboardEvent } from 'react'
import type { SnapshotSummary } from '../../../../shared/oracle'
import { changeSentence, formatDuration, formatTime, timelineBars } from './diff-model'

const CHART_HEIGHT = 44
/** Share of each slot left empty between bars. */
const BAR_GAP = 0.2

/** Changes per snapshot as stacked bars (removed, changed, added), oldest on the left; click one to see its diff. */
function ChangeBars({ history, selectedId, onSelect }: { history: readonly SnapshotSummary[]; selectedId: number | null; onSelect: (id: number) => void }) {
  const bars = useMemo(() => timelineBars(history), [history])
  if (bars.length === 0) return null
  // Slots of at least a 30th of the width, newest on the right: a few snapshots are not fat blocks.
  const width = 100 / Math.max(bars.length, 30)
  return (
    <svg className="change-bars" viewBox={`0 0 100 ${CHART_HEIGHT}`} preserveAspectRatio="none" aria-hidden="true">
      {bars.map((bar, index) => {
        const x = 100 - (bars.length - index) * width
        const w = width * (1 - BAR_GAP)
        let y = CHART_HEIGHT
        const segment = (kind: 'removed' | 'changed' | 'added') => {
          const height = bar.shares[kind] * (CHART_HEIGHT - 4)
          y -= height
          return height > 0 ? <rect key={kind} className={`bar-${kind}`} x={x} y={y} width={w} height={height} /> : null
        }
        return (
          <g key={bar.id} className={bar.id === selectedId ? 'bar bar-selected' : 'bar'} onClick={() => onSelect(bar.id)}>
            <title>{`${formatTime(bar.timestamp)}: ${bar.baseline ? 'baseline' : `+${bar.added} −${bar.removed} ~${bar.changed}`}`}</title>
            <rect className="bar-hit" x={x} y={0} width={width} height={CHART_HEIGHT} />
            {bar.baseline ? <rect className="bar-baseline" x={x} y={CHART_HEIGHT - 2} width={w} height={2} /> : null}
            {segment('removed')}
            {segment('changed')}
            {segment('added')}
          </g>
        )
      })}
    </svg>
  )
}

/** The snapshots, newest first, each with its counts; arrow keys move the selection. */
export function Timeline({ history, selectedId, onSelect }: { history: readonly SnapshotSummary[]; selectedId: number | null; onSelect: (id: number) => void }) {
  const buttons = useRef<Array<HTMLButtonElement | null>>([])
  const onKey = (event: KeyboardEvent<HTMLOListElement>): void => {
    const step = event.key === 'ArrowDown' ? 1 : event.key === 'ArrowUp' ? -1 : 0
    if (step === 0) return
    event.preventDefault()
    const index = history.findIndex((snapshot) => snapshot.id === selectedId)
    const next = Math.min(history.length - 1, Math.max(0, index + step))
    const target = history[next]
    if (!target) return
    onSelect(target.id)
    buttons.current[next]?.focus()
  }
  if (history.length === 0) return <p className="hint">No snapshot yet.</p>
  return (
    <div className="timeline">
      <ChangeBars history={history} selectedId={selectedId} onSelect={onSelect} />
      <p className="bars-caption" aria-hidden="true">
        <span>rows added, removed, changed per snapshot</span>
        <span>now</span>
      </p>
      <ol className="timeline-list" aria-label="Snapshots, newest first" onKeyDown={onKey}>
        {history.map((snapshot, index) => {
          const { changes } = snapshot
          const selected = snapshot.id === selectedId
          return (
            <li key={snapshot.id}>
              <button
                type="button"
                ref={(element) => {
                  buttons.current[index] = element
                }}
                className="timeline-item"
                aria-pressed={selected}
                aria-label={`Snapshot of ${formatTime(snapshot.timestamp)}: ${changeSentence(changes)}`}
                data-snapshot={snapshot.id}
                tabIndex={selected || (selectedId === null && index === 0) ? 0 : -1}
                onClick={() => onSelect(snapshot.id)}
              >
                <span className="timeline-time">{formatTime(snapshot.timestamp)}</span>
                <span className="timeline-counts">
                  {changes.baseline ? (
                    <span className="count-baseline">baseline</span>
                  ) : changes.added + changes.removed + changes.changed === 0 ? (
                    <span className="count-none">no changes</span>
                  ) : (
                    <>
                      {changes.added ? <span className="count-added">+{changes.added}</span> : null}
                      {changes.removed ? <span className="count-removed">−{changes.removed}</span> : null}
                      {changes.changed ? <span className="count-changed">~{changes.changed}</span> : null}
                    </>
                  )}
                </span>
                <span className="timeline-meta">
                  {snapshot.record_count.toLocaleString()} rows · {formatDuration(snapshot.collection_duration)}
                  {snapshot.truncated ? ' · truncated' : ''}
                </span>
              </button>
            </li>
          )
        })}
      </ol>
    </div>
  )
}
