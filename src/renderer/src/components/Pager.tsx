import type { ReactNode } from 'react'

/** Previous / Next through a list's pages, with where the reader is; anything else (rows per page) after them. */
export function Pager({
  summary,
  page,
  hasPrevious,
  hasNext,
  onPage,
  children
}: {
  summary: ReactNode
  page: number
  hasPrevious: boolean
  hasNext: boolean
  onPage: (page: number) => void
  children?: ReactNode
}) {
  return (
    <nav className="pager" aria-label="Pages">
      <span>{summary}</span>
      <button type="button" disabled={!hasPrevious} onClick={() => onPage(page - 1)}>
        Previous
      </button>
      <button type="button" disabled={!hasNext} onClick={() => onPage(page + 1)}>
        Next
      </button>
      {children}
    </nav>
  )
}
