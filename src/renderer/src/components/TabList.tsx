import { useRef, type KeyboardEvent, type ReactNode } from 'react'

export interface TabSpec<T extends string> {
  id: T
  label: ReactNode
}

/** The id of a tab's button and of its panel, so a view's `role="tabpanel"` can point back at it. */
export const tabId = (prefix: string, id: string): string => `${prefix}tab-${id}`
export const tabPanelId = (prefix: string, id: string): string => `${prefix}panel-${id}`

/** A tablist as ARIA describes it: one tab in the Tab order, arrow keys move between tabs. */
export function TabList<T extends string>({
  label,
  tabs,
  active,
  onSelect,
  idPrefix = ''
}: {
  label: string
  tabs: ReadonlyArray<TabSpec<T>>
  active: T
  onSelect: (id: T) => void
  idPrefix?: string
}) {
  const refs = useRef<Array<HTMLButtonElement | null>>([])
  const onKey = (event: KeyboardEvent<HTMLDivElement>): void => {
    const step = event.key === 'ArrowRight' ? 1 : event.key === 'ArrowLeft' ? -1 : 0
    if (step === 0) return
    const index = (tabs.findIndex((tab) => tab.id === active) + step + tabs.length) % tabs.length
    const next = tabs[index]
    if (!next) return
    onSelect(next.id)
    refs.current[index]?.focus()
  }
  return (
    <div role="tablist" aria-label={label} className="tabs" onKeyDown={onKey}>
      {tabs.map((tab, index) => (
        <button
          key={tab.id}
          ref={(element) => {
            refs.current[index] = element
          }}
          type="button"
          role="tab"
          id={tabId(idPrefix, tab.id)}
          aria-selected={active === tab.id}
          aria-controls={tabPanelId(idPrefix, tab.id)}
          tabIndex={active === tab.id ? 0 : -1}
          onClick={() => onSelect(tab.id)}
        >
          {tab.label}
        </button>
      ))}
    </div>
  )
}
