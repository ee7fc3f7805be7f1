// The system source for an instance on the machine Vigil runs on, and the adapter that turns
// any CommandRunner (this host, or a server over SSH) into the `run` a CommandSystemSource needs.
import { LocalRunner } from '../../base/exec/local-runner'
import type { CommandRunner } from '../../base/exec/runner'
import { CommandSystemSource, type RunCommand, type SystemSource } from './source'

const COMMAND_TIMEOUT_MS = 10_000

/**
 * `run` over a CommandRunner. A command that failed without printing anything is an error;
 * one that printed and still failed keeps its output: df exits 1 when one mount point is
 * unreadable (a FUSE mount of another user) and still lists all the others.
 */
export function runCommandOn(runner: Pick<CommandRunner, 'exec'>, timeoutMs = COMMAND_TIMEOUT_MS): RunCommand {
  return async (command) => {
    const result = await runner.exec(command, { timeoutMs })
    if (result.code !== 0 && result.stdout.trim() === '') {
      throw new Error(`'${command}' failed (exit ${result.code ?? 'signal'}): ${result.stderr.trim() || 'no output'}`)
    }
    return result.stdout
  }
}

/** Reads /proc and df on this host: for an instance whose server is this machine. */
export function localSystemSource(): SystemSource {
  return new CommandSystemSource(runCommandOn(new LocalRunner()))
}
