import type { ReactNode } from 'react'

/** A detail page's header: the way back to its list, its title and subtitle, and (right) its facts or actions. */
export function DetailHeader({
  back,
  backLabel,
  titleId,
  title,
  subtitle,
  children
}: {
  back: string
  backLabel: string
  titleId: string
  title: ReactNode
  subtitle?: ReactNode
  children?: ReactNode
}) {
  return (
    <header className="view-header">
      <div>
        <a href={back} className="back-link">
          ← {backLabel}
        </a>
        <h1 id={titleId}>
          {title}
          {subtitle}
        </h1>
      </div>
      {children}
    </header>
  )
}
