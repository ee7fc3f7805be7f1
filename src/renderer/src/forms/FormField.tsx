import type { InputHTMLAttributes, ReactNode } from 'react'
import type { Form } from './use-form'

/** A labelled input with its error (or, without one, its hint) under it. */
export function FormField({ label, error, hint, errorId, children }: { label: string; error?: string; hint?: ReactNode; errorId?: string; children: ReactNode }) {
  return (
    <label className={error ? 'field field-invalid' : 'field'}>
      <span className="field-label">{label}</span>
      {children}
      {error ? (
        <span className="field-error" role="alert" id={errorId}>
          {error}
        </span>
      ) : hint ? (
        <span className="field-hint">{hint}</span>
      ) : null}
    </label>
  )
}

/** What went wrong that no field of the form can show: one alert a message. */
export function FormErrors({ messages }: { messages: readonly string[] }) {
  return (
    <>
      {messages.map((message) => (
        <p key={message} className="form-error" role="alert">
          {message}
        </p>
      ))}
    </>
  )
}

/**
 * How the entity forms lay out a field: `field` labels a control and shows its error; `text` and
 * `checkbox` are inputs bound to the form; `secret` is a password the core keeps encrypted.
 */
export function controlsOf<V>(form: Form<V>) {
  const field = (name: string, label: string, control: ReactNode, hint?: ReactNode, error = form.errors[name]) => (
    <FormField label={label} error={error} hint={hint} errorId={`${name}-error`}>
      {control}
    </FormField>
  )
  const text = (name: keyof V & string, extra: InputHTMLAttributes<HTMLInputElement> = {}) => (
    <input
      name={name}
      value={form.values[name] as string}
      aria-invalid={form.errors[name] ? true : undefined}
      onChange={(event) => form.set(name, event.target.value as V[typeof name])}
      {...extra}
    />
  )
  const checkbox = (name: keyof V & string, label: ReactNode) => (
    <label className="checkbox">
      <input type="checkbox" name={name} checked={form.values[name] as boolean} onChange={(event) => form.set(name, event.target.checked as V[typeof name])} />
      {label}
    </label>
  )
  /** Blank keeps the stored one; with `clear`, a stored one can be forgotten (and the input is off meanwhile). */
  const secret = (
    name: keyof V & string,
    label: string,
    { stored, hint, clear, clearLabel = 'Forget the stored password' }: { stored: boolean; hint?: ReactNode; clear?: keyof V & string; clearLabel?: string }
  ) => (
    <>
      {field(
        name,
        label,
        text(name, {
          type: 'password',
          autoComplete: 'new-password',
          placeholder: stored ? 'stored — leave blank to keep' : '',
          disabled: clear ? (form.values[clear] as boolean) : undefined
        }),
        hint
      )}
      {stored && clear ? checkbox(clear, clearLabel) : null}
    </>
  )
  return { field, text, checkbox, secret }
}

/** Cancel, and the submit button that says when the save is under way. */
export function FormFooter({ onClose, saving, label, savingLabel = 'Saving…' }: { onClose: () => void; saving: boolean; label: string; savingLabel?: string }) {
  return (
    <footer className="dialog-footer">
      <button type="button" onClick={onClose}>
        Cancel
      </button>
      <button type="submit" className="primary" disabled={saving}>
        {saving ? savingLabel : label}
      </button>
    </footer>
  )
}
