import { Component, type ErrorInfo, type ReactNode } from 'react'

interface State {
  error: Error | null
}

/**
 * A page that cannot load or render says so in its place instead of leaving the window blank —
 * most often a browser tab still open on the page chunks of a `vigil serve` that was upgraded
 * and restarted since. The rest of the frame (navigation, who is logged in) stays usable.
 */
export class PageBoundary extends Component<{ children: ReactNode }, State> {
  override state: State = { error: null }

  static getDerivedStateFromError(error: unknown): State {
    return { error: error instanceof Error ? error : new Error(String(error)) }
  }

  override componentDidCatch(error: Error, info: ErrorInfo): void {
    console.error('[vigil] a page failed:', error, info.componentStack)
  }

  override render(): ReactNode {
    const { error } = this.state
    if (!error) return this.props.children
    return (
      <section className="view" role="alert">
        <h1>This page could not be shown</h1>
        <p>{error.message}</p>
        <button type="button" onClick={() => window.location.reload()}>
          Reload Vigil
        </button>
      </section>
    )
  }
}
