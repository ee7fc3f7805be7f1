import type { ReactNode } from 'react'

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
