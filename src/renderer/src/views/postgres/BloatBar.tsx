import { formatBytes } from './format'
import { bloatShare } from './maintenance-model'

/** How much of a relation is bloat, as a bar and in bytes; "—" when the estimate is unknown. */
export function BloatBar({ bloat, total, label }: { bloat: number | null; total: number | null; label: string }) {
  const share = bloatShare(bloat, total)
  if (share === null) return <span className="hint" title="Unknown: see the warnings above">—</span>
  const percent = Math.round(share * 100)
  return (
    <span className="bloat" title={`${label}: ${formatBytes(bloat)} of ${formatBytes(total)}`}>
      <span className="bloat-bar" aria-hidden="true">
        <span className={percent >= 30 ? 'bloat-fill bloat-high' : 'bloat-fill'} style={{ width: `${Math.max(percent, 1)}%` }} />
      </span>
      <span className="bloat-text">
        {formatBytes(bloat)} · {percent}%
      </span>
    </span>
  )
}
