import type { Server } from '../../../../shared/servers'
import { Dialog } from '../../components/Dialog'
import { ConnectionCheck } from './ConnectionCheck'

/** The connection test as a dialog, from the servers list. */
export function ConnectionDialog({ server, onClose }: { server: Server; onClose: () => void }) {
  return (
    <Dialog title={`Connection to ${server.hostname}`} onClose={onClose} wide>
      <div className="dialog-body">
        <ConnectionCheck server={server} runOnMount />
      </div>
      <footer className="dialog-footer">
        <button type="button" className="primary" onClick={onClose}>
          Close
        </button>
      </footer>
    </Dialog>
  )
}
