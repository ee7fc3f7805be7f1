/** What a collector needs from "a place to run commands": a server over SSH, or this host. */
export interface ExecResult {
  stdout: string
  stderr: string
  code: number | null
}

export interface StreamHandle {
  close(): void
}

export interface StreamEnd {
  code: number | null
  /** Why the stream ended, when it failed (a non-zero exit, connection lost, channel refused…). */
  error: string | null
  /** The end of what the command printed on stderr (also when it exited 0: a pipeline's status is its last command's). */
  stderr?: string
}

export interface CommandRunner {
  exec(command: string, options?: { timeoutMs?: number }): Promise<ExecResult>
  /** Runs a long-lived command (`vmstat 5`), delivering output as it comes. */
  stream(command: string, onData: (chunk: string) => void, onEnd: (end: StreamEnd) => void): StreamHandle
}
