import { useState } from 'react'
import { ConfirmDialog } from '../../components/Dialog'
import { Notices } from '../../components/Notices'
import { useAction } from '../../hooks/use-action'
import { call } from '../../transport/client'

/** Replaces the owner's API token (a leaked one, or every 90 days): the new one is shown this once. */
export function OwnerTokenRotation() {
  const action = useAction()
  const [asking, setAsking] = useState(false)
  const [token, setToken] = useState<string | null>(null)
  return (
    <div className="owner-token">
      <button type="button" onClick={() => setAsking(true)}>
        Rotate the owner token…
      </button>
      {token ? (
        <p role="status" className="token-once">
          The new owner token, shown this once (also in the data dir’s <code>api-token</code>): <code>{token}</code>
        </p>
      ) : null}
      <Notices error={action.error} />
      {asking ? (
        <ConfirmDialog
          title="Rotate the owner token?"
          message={<p>Scripts using the current token get 401 from their next request, and the owner’s other browser sessions end. Users and their tokens are not affected.</p>}
          confirmLabel="Rotate"
          danger
          onConfirm={async () => {
            const answer = await action.run(() => call('auth.rotateOwnerToken'))
            if (answer.ok) setToken(answer.value.token)
          }}
          onClose={() => setAsking(false)}
        />
      ) : null}
    </div>
  )
}
