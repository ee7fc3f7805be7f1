import { useState } from 'react'
import { RANGE_PRESETS, fromLocalInput, toLocalInput, type RangeChoice } from '../../charts/ranges'

function presetId(choice: RangeChoice): string {
  if (choice.kind === 'custom') return 'custom'
  return RANGE_PRESETS.find((preset) => preset.choice.kind === choice.kind && (choice.kind === 'live' || (preset.choice.kind === 'last' && preset.choice.ms === choice.ms)))?.id ?? 'custom'
}

/** Live, the last 15 min … 7 d, or a custom from–to; the charts reload on a choice. */
export function RangeBar({ choice, onChoose, loading }: { choice: RangeChoice; onChoose: (choice: RangeChoice) => void; loading: boolean }) {
  const active = presetId(choice)
  const [from, setFrom] = useState(() => toLocalInput(choice.kind === 'custom' ? choice.start : Date.now() - 3_600_000))
  const [to, setTo] = useState(() => toLocalInput(choice.kind === 'custom' ? choice.end : Date.now()))
  const [problem, setProblem] = useState<string | null>(null)

  const applyCustom = (): void => {
    const start = fromLocalInput(from)
    const end = fromLocalInput(to)
    if (start === null || end === null) return setProblem('Enter both dates.')
    if (end <= start) return setProblem('The end must be after the start.')
    setProblem(null)
    onChoose({ kind: 'custom', start, end })
  }

  return (
    <div className="range-bar" role="group" aria-label="Time range">
      {RANGE_PRESETS.map((preset) => (
        <button key={preset.id} type="button" aria-pressed={active === preset.id} onClick={() => onChoose(preset.choice)}>
          {preset.id === 'live' ? <span className="live-dot" aria-hidden="true" /> : null}
          {preset.label}
        </button>
      ))}
      <span className="range-custom">
        <label>
          From <input type="datetime-local" value={from} onChange={(event) => setFrom(event.target.value)} />
        </label>
        <label>
          to <input type="datetime-local" value={to} onChange={(event) => setTo(event.target.value)} />
        </label>
        <button type="button" aria-pressed={active === 'custom'} onClick={applyCustom}>
          Show
        </button>
      </span>
      {loading ? <span role="status" className="hint">Loading…</span> : null}
      {problem ? <span role="alert" className="form-error">{problem}</span> : null}
    </div>
  )
}
