import { ALL_EVENTS, CreateWebhookSchema, WEBHOOK_EVENT_AREAS, WEBHOOK_EVENTS, type CreateWebhook, type WebhookDto } from '../../../../../shared/webhooks'
import { FormErrors, controlsOf } from '../../../forms/FormField'
import { schemaIssues, type FieldOf } from '../../../forms/form-state'
import { useForm } from '../../../forms/use-form'
import { call } from '../../../transport/client'

interface WebhookFormValues {
  url: string
  name: string
  secret: string
  events: string[]
}

const EMPTY: WebhookFormValues = { url: '', name: '', secret: '', events: [] }

/** What the API takes: blank optional fields left out, as a script would leave them out. */
export function webhookInput(values: WebhookFormValues): CreateWebhook {
  return {
    url: values.url.trim(),
    events: values.events,
    ...(values.name.trim() ? { name: values.name.trim() } : {}),
    ...(values.secret ? { secret: values.secret } : {})
  }
}

/** `events.0` (one bad item) is the events field's error; other fields are the form's own. */
const fieldOf: FieldOf = (field) => (field.startsWith('events') ? 'events' : ['url', 'name', 'secret'].includes(field) ? field : null)

/** Add a webhook: checked with the API's own schema before sending, and the core's verdict shown at the fields. */
export function WebhookForm({ onCreated }: { onCreated: (webhook: WebhookDto) => void }) {
  const form = useForm<WebhookFormValues>({
    initial: () => EMPTY,
    validate: (values) => schemaIssues(CreateWebhookSchema, webhookInput(values)),
    save: async (values) => {
      onCreated(await call('webhooks.create', webhookInput(values)))
      form.setValues(EMPTY)
    },
    fieldOf
  })
  const { field, text } = controlsOf(form)
  const toggle = (event: string, on: boolean): void => {
    const events = on ? [...form.values.events.filter((name) => name !== event), event] : form.values.events.filter((name) => name !== event)
    form.set('events', events)
  }
  const all = form.values.events.includes(ALL_EVENTS)
  return (
    <form className="webhook-form" onSubmit={form.onSubmit} aria-label="Add a webhook" noValidate>
      <FormErrors messages={form.formErrors} />
      {field('url', 'Payload URL', text('url', { type: 'url', placeholder: 'https://example.com/hooks/vigil', 'aria-describedby': 'url-error' }))}
      {field('name', 'Name', text('name', { placeholder: 'optional: the URL’s host' }))}
      {field('secret', 'Secret', text('secret', { type: 'password', autoComplete: 'new-password', placeholder: 'optional: signs each delivery' }), 'Kept encrypted; never shown again.')}
      <fieldset className={form.errors.events ? 'field field-invalid' : 'field'} aria-describedby="events-error">
        <legend className="field-label">Events</legend>
        <label className="checkbox">
          <input type="checkbox" checked={all} onChange={(event) => toggle(ALL_EVENTS, event.target.checked)} />
          All events (<code>*</code>)
        </label>
        {WEBHOOK_EVENTS.map((name) => (
          <label className="checkbox" key={name}>
            <input type="checkbox" disabled={all} checked={all || form.values.events.includes(name)} onChange={(event) => toggle(name, event.target.checked)} />
            <code>{name}</code> <span className="hint">({WEBHOOK_EVENT_AREAS[name]})</span>
          </label>
        ))}
        {form.errors.events ? (
          <span className="field-error" role="alert" id="events-error">
            {form.errors.events}
          </span>
        ) : null}
      </fieldset>
      <div className="toolbar">
        <button type="submit" className="primary" disabled={form.saving}>
          Add webhook
        </button>
      </div>
    </form>
  )
}
