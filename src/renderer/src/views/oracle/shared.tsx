import { useEffect, useState, type ReactNode } from 'react'
import { Pager } from '../../components/Pager'

/** The clock for "3 min ago" texts, ticking every `everyMs`. */
export function useNow(everyMs = 15_000): number {
  const [now, setNow] = useState(() => Date.now())
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), everyMs)
    return () => clearInterval(timer)
  }, [everyMs])
  return now
}

/** Rows of a long list one page at a time; the pager says where the reader is. */
export function usePage<T>(rows: readonly T[], perPage: number, resetKey: unknown): { page: number; pages: number; visible: readonly T[]; pager: ReactNode } {
  const [state, setState] = useState({ page: 1, resetKey })
  // A new snapshot, diff or filter starts again at the first page.
  const page = state.resetKey === resetKey ? state.page : 1
  const pages = Math.max(1, Math.ceil(rows.length / perPage))
  const current = Math.min(page, pages)
  const visible = rows.slice((current - 1) * perPage, current * perPage)
  const go = (next: number): void => setState({ page: next, resetKey })
  const pager =
    pages > 1 ? (
      <Pager
        summary={`Rows ${((current - 1) * perPage + 1).toLocaleString()}–${Math.min(current * perPage, rows.length).toLocaleString()} of ${rows.length.toLocaleString()}`}
        page={current}
        hasPrevious={current > 1}
        hasNext={current < pages}
        onPage={go}
      />
    ) : null
  return { page: current, pages, visible, pager }
}
