import { spawn } from 'node:child_process'
import type { CommandRunner, ExecResult, StreamEnd, StreamHandle } from './runner'

const DEFAULT_TIMEOUT_MS = 30_000

/**
 * Runs collector commands on the host Vigil runs on, through /bin/sh as sshd would.
 * The commands are the parsers' fixed strings (numbers Vigil computed, nothing typed by
 * a user), so the shell only does what it does for a remote login: parse `LC_ALL=C cmd | head`.
 */
export class LocalRunner implements CommandRunner {
  exec(command: string, options: { timeoutMs?: number } = {}): Promise<ExecResult> {
    return new Promise((resolve, reject) => {
      const child = spawn('/bin/sh', ['-c', command], { stdio: ['ignore', 'pipe', 'pipe'] })
      let stdout = ''
      let stderr = ''
      child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk))
      child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk))
      const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS
      const timer = setTimeout(() => {
        child.kill('SIGKILL')
        reject(new Error(`'${command}' did not finish within ${timeoutMs / 1000} s`))
      }, timeoutMs)
      child.once('error', (error) => {
        clearTimeout(timer)
        reject(error)
      })
      child.once('close', (code) => {
        clearTimeout(timer)
        resolve({ stdout, stderr, code })
      })
    })
  }

  stream(command: string, onData: (chunk: string) => void, onEnd: (end: StreamEnd) => void): StreamHandle {
    // In a process group of its own: a pipeline (vmstat | …) is ended whole by close(), as sshd
    // ends a remote one when its channel closes, instead of leaving vmstat behind.
    const child = spawn('/bin/sh', ['-c', command], { stdio: ['ignore', 'pipe', 'pipe'], detached: true })
    let stderr = ''
    let ended = false
    const finish = (end: StreamEnd): void => {
      if (ended) return
      ended = true
      onEnd(end)
    }
    child.stdout.setEncoding('utf8').on('data', onData)
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr = (stderr + chunk).slice(-2000)))
    child.once('error', (error) => finish({ code: null, error: error.message }))
    child.once('close', (code) => finish({ code, error: code === 0 ? null : stderr.trim() || `exited with ${code}`, stderr }))
    return {
      close: () => {
        ended = true
        try {
          if (child.pid !== undefined) process.kill(-child.pid, 'SIGTERM')
        } catch {
          child.kill('SIGTERM') // the group is gone already, or this platform has none
        }
      }
    }
  }
}
