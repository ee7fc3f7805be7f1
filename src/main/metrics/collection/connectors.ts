import type { CollectionState } from '../../../shared/servers'
import type { ConnectedRunner } from './host-collector'
import { LocalRunner } from '../../base/exec/local-runner'
import type { StreamEnd } from '../../base/exec/runner'
import { SshConnection, type HostKey, type HostKeyStore, type SshConnectionOptions, type StreamEndInfo } from '../../base/ssh'

type OnState = (state: CollectionState, error: string | null) => void

/** The host Vigil runs on: always "connected". */
export function connectLocal(_onState: OnState, onReady: () => void): ConnectedRunner {
  const runner = new LocalRunner()
  setImmediate(onReady)
  return { exec: (command, options) => runner.exec(command, options), stream: (...args) => runner.stream(...args), close: () => {} }
}

/** A server over one reused SSH connection, its states mapped onto the server's collection state. */
export function connectSsh(
  options: SshConnectionOptions,
  hostKeys: HostKeyStore & { recordPresented(serverId: string, key: HostKey): void }
): (onState: OnState, onReady: () => void) => ConnectedRunner {
  return (onState, onReady) => {
    const connection = new SshConnection(options, hostKeys)
    connection.on('state', (status) => {
      switch (status.state) {
        case 'connected':
          return onReady()
        case 'stopped':
          return
        case 'host_key_mismatch':
          if (connection.presentedHostKey) hostKeys.recordPresented(options.serverId, connection.presentedHostKey)
          return onState('host_key_mismatch', status.error)
        default:
          return onState(status.state, status.error)
      }
    })
    connection.start()
    return {
      exec: (command, execOptions) => connection.exec(command, execOptions),
      stream: (command, onData, onEnd) => connection.stream(command, onData, (info) => onEnd(streamEnd(info))),
      close: () => connection.stop()
    }
  }
}

/** Only a command's own failure is the collector's to report; a lost connection is reported by the connection. */
function streamEnd(info: StreamEndInfo): StreamEnd {
  if (info.reason === 'failed') return { code: info.code, error: info.error ?? 'the channel could not be opened' }
  if (info.reason === 'exited' && info.code !== 0) {
    return { code: info.code, error: info.stderr.trim() || `exited with code ${String(info.code ?? info.signal)}`, stderr: info.stderr }
  }
  return { code: info.code, error: null, stderr: info.stderr }
}
