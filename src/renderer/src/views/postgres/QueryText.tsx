import { useState } from 'react'
import { Dialog } from '../../components/Dialog'

/** Copies text to the clipboard; says whether it could (a page over plain HTTP on another host may not). */
export async function copyText(text: string): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text)
    return true
  } catch {
    return false
  }
}

export function CopyButton({ text, label = 'Copy' }: { text: string; label?: string }) {
  const [state, setState] = useState<'idle' | 'copied' | 'failed'>('idle')
  return (
    <button
      type="button"
      onClick={async () => {
        setState((await copyText(text)) ? 'copied' : 'failed')
        setTimeout(() => setState('idle'), 2_000)
      }}
    >
      {state === 'copied' ? 'Copied' : state === 'failed' ? 'Select and copy by hand' : label}
    </button>
  )
}

/** A query's whole text, selectable, with a Copy button. */
export function QueryDialog({ title, query, facts, onClose }: { title: string; query: string; facts?: Array<[string, string]>; onClose: () => void }) {
  return (
    <Dialog title={title} onClose={onClose} wide>
      <div className="dialog-body">
        {facts && facts.length > 0 ? (
          <dl className="facts compact-facts">
            {facts.map(([term, value]) => (
              <div key={term} className="fact">
                <dt>{term}</dt>
                <dd>{value}</dd>
              </div>
            ))}
          </dl>
        ) : null}
        <pre className="output query-text" tabIndex={0} aria-label="Query text">
          {query}
        </pre>
      </div>
      <footer className="dialog-footer">
        <CopyButton text={query} label="Copy query" />
        <button type="button" className="primary" onClick={onClose}>
          Done
        </button>
      </footer>
    </Dialog>
  )
}
