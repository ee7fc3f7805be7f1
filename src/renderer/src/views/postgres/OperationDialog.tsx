import { useState } from 'react'
import type { MaintenanceOperation, MaintenanceTarget } from '../../../../shared/pg-agent'
import { Dialog } from '../../components/Dialog'
import { Notices } from '../../components/Notices'
import { useAction } from '../../hooks/use-action'
import { usePgMaintenance } from '../../stores/postgres-maintenance'
import { agentDatetime, describeTarget, isDestructive, localInputValue, nextHour, OPERATION_LABELS, vacuumMode, type VacuumChoice } from './maintenance-model'

interface Props {
  target: MaintenanceTarget
  /** The operation the button that opened the dialog named. */
  initial: MaintenanceOperation
  onClose: () => void
  onDone: (message: string) => void
}

/**
 * Run or schedule VACUUM (full, freeze, analyze), ANALYZE or REINDEX on a database, table or
 * index. VACUUM FULL and REINDEX lock what they work on: a second step says so and asks again.
 */
export function OperationDialog({ target, initial, onClose, onDone }: Props) {
  const indexOnly = target.index !== null
  const [operation, setOperation] = useState<MaintenanceOperation>(indexOnly ? 'reindex' : initial)
  const [choice, setChoice] = useState<VacuumChoice>({ full: false, freeze: false, analyze: false })
  const [when, setWhen] = useState<'now' | 'at'>('now')
  // The next whole hour after the dialog opened: a sensible default for a scheduled job.
  const [at, setAt] = useState(() => localInputValue(nextHour(Date.now())))
  const [confirming, setConfirming] = useState(false)
  const action = useAction()

  const datetime = when === 'at' ? agentDatetime(at) : null
  const statement = `${OPERATION_LABELS[operation]}${operation === 'vacuum' && vacuumMode(choice) ? ` (${vacuumMode(choice)?.toUpperCase().replace(/,/g, ', ')})` : ''}`
  const invalidTime = when === 'at' && datetime === null

  const submit = async (): Promise<void> => {
    if (invalidTime) return
    if (isDestructive(operation, choice) && !confirming) {
      setConfirming(true)
      return
    }
    const answer = await action.run(() => usePgMaintenance.getState().run({ operation, target, mode: operation === 'vacuum' ? vacuumMode(choice) : null, datetime }))
    if (!answer.ok) {
      setConfirming(false)
      return
    }
    onDone(`${statement} of ${describeTarget(target)} ${datetime ? `scheduled for ${new Date(Date.parse(datetime)).toLocaleString()}` : 'started'}`)
    onClose()
  }

  return (
    <Dialog title={`Maintenance of ${describeTarget(target)}`} onClose={onClose}>
      <form
        className="dialog-body operation-form"
        noValidate
        onSubmit={(event) => {
          event.preventDefault()
          void submit()
        }}
      >
        <Notices error={action.error} />
        {confirming ? (
          <div className="warning" role="alert">
            <p>
              <strong>{statement}</strong> of {describeTarget(target)}{' '}
              {operation === 'reindex'
                ? 'blocks writes to the table (and reads that use the index) while each index is rebuilt.'
                : 'rewrites the table under an ACCESS EXCLUSIVE lock: nothing can read or write it until it ends, and it needs free disk space for a full copy.'}{' '}
              {datetime ? `It will run at ${new Date(Date.parse(datetime)).toLocaleString()}.` : 'It starts now.'}
            </p>
          </div>
        ) : (
          <>
            <fieldset>
              <legend>Operation</legend>
              {(['vacuum', 'analyze', 'reindex'] as const).map((candidate) => (
                <label key={candidate} className="checkbox">
                  <input type="radio" name="operation" value={candidate} checked={operation === candidate} disabled={indexOnly && candidate !== 'reindex'} onChange={() => setOperation(candidate)} />
                  {OPERATION_LABELS[candidate]}
                </label>
              ))}
              {operation === 'vacuum' ? (
                <div className="vacuum-options" role="group" aria-label="VACUUM options">
                  {(['full', 'freeze', 'analyze'] as const).map((word) => (
                    <label key={word} className="checkbox">
                      <input type="checkbox" name={word} checked={choice[word]} onChange={(event) => setChoice({ ...choice, [word]: event.target.checked })} />
                      {word.toUpperCase()}
                    </label>
                  ))}
                </div>
              ) : null}
            </fieldset>
            <fieldset>
              <legend>When</legend>
              <label className="checkbox">
                <input type="radio" name="when" value="now" checked={when === 'now'} onChange={() => setWhen('now')} />
                Now
              </label>
              <label className="checkbox">
                <input type="radio" name="when" value="at" checked={when === 'at'} onChange={() => setWhen('at')} />
                At
                <input
                  type="datetime-local"
                  aria-label="Run at"
                  value={at}
                  disabled={when !== 'at'}
                  aria-invalid={invalidTime || undefined}
                  onChange={(event) => setAt(event.target.value)}
                />
              </label>
              <span className="field-hint">Your local time. A job Vigil could not start within an hour of its time (it was not running) is marked missed.</span>
            </fieldset>
          </>
        )}
        <footer className="dialog-footer">
          <button type="button" onClick={confirming ? () => setConfirming(false) : onClose}>
            {confirming ? 'Back' : 'Cancel'}
          </button>
          <button type="submit" className={isDestructive(operation, choice) ? 'danger' : 'primary'} disabled={action.pending || invalidTime}>
            {confirming ? `Yes, ${datetime ? 'schedule' : 'run'} ${statement}` : datetime ? `Schedule ${statement}` : `Run ${statement}`}
          </button>
        </footer>
      </form>
    </Dialog>
  )
}
