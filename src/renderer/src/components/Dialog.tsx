import { useEffect, useRef, type ReactNode } from 'react'

interface DialogProps {
  title: string
  onClose: () => void
  children: ReactNode
  labelledBy?: string
  wide?: boolean
}

/** A modal on the native <dialog>: focus is trapped and Escape closes it, for free. */
export function Dialog({ title, onClose, children, wide }: DialogProps) {
  const ref = useRef<HTMLDialogElement>(null)
  useEffect(() => {
    const dialog = ref.current
    if (dialog && !dialog.open) dialog.showModal()
    return () => dialog?.close()
  }, [])
  return (
    <dialog
      ref={ref}
      className={wide ? 'dialog dialog-wide' : 'dialog'}
      aria-label={title}
      onCancel={(event) => {
        event.preventDefault()
        onClose()
      }}
    >
      <header className="dialog-header">
        <h2>{title}</h2>
        <button type="button" className="icon-button" aria-label="Close" onClick={onClose}>
          ×
        </button>
      </header>
      {children}
    </dialog>
  )
}

interface ConfirmProps {
  title: string
  message: ReactNode
  confirmLabel: string
  danger?: boolean
  /** For a message that lists things (a table of what the action touches). */
  wide?: boolean
  onConfirm: () => Promise<unknown> | void
  onClose: () => void
}

export function ConfirmDialog({ title, message, confirmLabel, danger, wide, onConfirm, onClose }: ConfirmProps) {
  return (
    <Dialog title={title} onClose={onClose} wide={wide}>
      <div className="dialog-body">{message}</div>
      <footer className="dialog-footer">
        <button type="button" onClick={onClose}>
          Cancel
        </button>
        <button
          type="button"
          className={danger ? 'danger' : 'primary'}
          onClick={async () => {
            await onConfirm()
            onClose()
          }}
        >
          {confirmLabel}
        </button>
      </footer>
    </Dialog>
  )
}

/** Asks before a named thing goes: "Delete db-01?", and the danger button says the same verb. */
export function RemoveDialog({ verb, name, message, onConfirm, onClose }: { verb: 'Delete' | 'Remove' | 'Revoke'; name: string } & Pick<ConfirmProps, 'message' | 'onConfirm' | 'onClose'>) {
  return <ConfirmDialog title={`${verb} ${name}?`} message={message} confirmLabel={verb} danger onConfirm={onConfirm} onClose={onClose} />
}

/** A dialog that only shows something (a connection test): its body and Close. */
export function InfoDialog({ title, wide, onClose, children }: Omit<DialogProps, 'labelledBy'>) {
  return (
    <Dialog title={title} onClose={onClose} wide={wide}>
      <div className="dialog-body">{children}</div>
      <footer className="dialog-footer">
        <button type="button" className="primary" onClick={onClose}>
          Close
        </button>
      </footer>
    </Dialog>
  )
}
