/** The last action's outcome (dismissable) and the last error, never swallowed. */
export function Notices({ notice = null, onDismiss, error }: { notice?: string | null; onDismiss?: () => void; error: string | null }) {
  return (
    <>
      {notice ? (
        <p className="notice" role="status">
          {notice}
          <button type="button" className="icon-button" aria-label="Dismiss" onClick={onDismiss}>
            ×
          </button>
        </p>
      ) : null}
      {error ? (
        <p className="form-error" role="alert">
          {error}
        </p>
      ) : null}
    </>
  )
}
