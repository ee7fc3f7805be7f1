import type { ReactNode } from 'react'

/** A panel's place in the grid when there is nothing to draw: its title, and why. */
export function ChartNote({ id, title, children }: { id: string; title: string; children: ReactNode }) {
  return (
    <figure className="chart chart-empty" data-panel={id} aria-label={title}>
      <figcaption>
        <span className="chart-title">{title}</span>
      </figcaption>
      <p className="hint">{children}</p>
    </figure>
  )
}
