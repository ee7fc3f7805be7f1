import type { ReactNode } from 'react'

/** What can be done to the rows a list has selected, and the way to let go of them. */
export function BulkBar({ label, onClear, children }: { label: string; onClear: () => void; children: ReactNode }) {
  return (
    <div className="bulk-bar" aria-label={label}>
      {children}
      <button type="button" onClick={onClear}>
        Clear selection
      </button>
    </div>
  )
}
