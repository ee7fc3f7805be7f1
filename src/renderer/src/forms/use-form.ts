import { useState, type Dispatch, type FormEvent, type SetStateAction } from 'react'
import { settle } from '../stores/loader'
import { failureOf, hasErrors, placeIssues, type FieldErrors, type FieldOf, type Issue, type Placed } from './form-state'

export interface FormOptions<V> {
  initial: () => V
  /** What is wrong before anything is sent: the schema's issues and the model's own. */
  validate: (values: V) => readonly Issue[]
  /** Sends the values; a rejection's field issues (the core's verdict) show at their fields. */
  save: (values: V) => Promise<unknown>
  /** The form's name for an issue's field; without it, the issue's own. */
  fieldOf?: FieldOf
}

export interface Form<V> extends Placed {
  values: V
  setValues: Dispatch<SetStateAction<V>>
  /** Sets one field and clears its error. */
  set<K extends keyof V & string>(field: K, value: V[K]): void
  /** Clears the errors of these fields; of all of them without any. */
  clearErrors(...fields: string[]): void
  saving: boolean
  /** The <form>'s onSubmit: checks the values, then saves them. */
  onSubmit(event: FormEvent): void
}

/** The state every entity form keeps: its values, their errors, and the save under way. */
export function useForm<V>({ initial, validate, save, fieldOf }: FormOptions<V>): Form<V> {
  const [values, setValues] = useState<V>(initial)
  const [shown, setShown] = useState<Placed>({ errors: {}, formErrors: [] })
  const [saving, setSaving] = useState(false)

  const withErrors = (update: (errors: FieldErrors) => FieldErrors): void => setShown((current) => ({ ...current, errors: update(current.errors) }))

  const submit = async (): Promise<void> => {
    const found = placeIssues(validate(values), fieldOf)
    if (hasErrors(found)) {
      setShown(found)
      return
    }
    setSaving(true)
    setShown((current) => ({ ...current, formErrors: [] }))
    const answer = await settle(() => save(values))
    setSaving(false)
    if (!answer.ok) setShown(failureOf(answer.error, fieldOf))
  }

  return {
    values,
    setValues,
    ...shown,
    saving,
    set(field, value) {
      setValues((current) => ({ ...current, [field]: value }))
      withErrors((errors) => ({ ...errors, [field]: undefined }))
    },
    clearErrors(...fields) {
      withErrors((errors) => (fields.length === 0 ? {} : { ...errors, ...Object.fromEntries(fields.map((field) => [field, undefined])) }))
    },
    onSubmit(event) {
      event.preventDefault()
      void submit()
    }
  }
}
