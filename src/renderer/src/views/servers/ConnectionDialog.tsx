import type { Server } from '../../../../shared/servers'
import { InfoDialog } from '../../components/Dialog'
import { ConnectionCheck } from './ConnectionCheck'

/** The connection test as a dialog, from the servers list. */
export function ConnectionDialog({ server, onClose }: { server: Server; onClose: () => void }) {
  return (
    <InfoDialog title={`Connection to ${server.hostname}`} onClose={onClose} wide>
      <ConnectionCheck server={server} runOnMount />
    </InfoDialog>
  )
}
