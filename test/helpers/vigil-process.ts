import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process'
import { existsSync, rmSync } from 'node:fs'
import { resolve } from 'node:path'
import { createInterface } from 'node:readline'
import { makeTempDir } from './temp-dir'

export const CLI = resolve('out/main/cli.js')
export const SOURCE_CLI = resolve('src/main/cli.ts')

export interface VigilProcess {
  url: string
  loginUrl: string
  token: string
  dataDir: string
  /** Milliseconds from spawn to the "listening" line. */
  startupMs: number
  output: () => string
  /** The first line of stdout, printed already or to come, that matches `pattern`. */
  line(pattern: RegExp): Promise<string>
  /** Sends `signal` and waits for the process to exit; the data dir stays (stop() removes it). */
  kill(signal: NodeJS.Signals): Promise<void>
  stop(): Promise<void>
}

/**
 * Runs the built `vigil serve` on a free port, as a user would, with a throwaway data dir —
 * or `dataDir` when given (e.g. seeded with history); stop() removes it either way.
 */
export async function startVigil(
  extraArgs: string[] = [],
  options: { dataDir?: string; env?: NodeJS.ProcessEnv; /** Run src/main/cli.ts through tsx instead of the build (integration tests). */ fromSource?: boolean } = {}
): Promise<VigilProcess> {
  if (!options.fromSource && !existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run build\` before the e2e tests`)
  const temp = options.dataDir ? { dir: options.dataDir, remove: () => rmSync(options.dataDir as string, { recursive: true, force: true }) } : makeTempDir('vigil-e2e-')
  const started = performance.now()
  const child: ChildProcessWithoutNullStreams = spawn(
    process.execPath,
    [...(options.fromSource ? ['--import', 'tsx', SOURCE_CLI] : [CLI]), 'serve', '--port', '0', '--data-dir', temp.dir, ...extraArgs],
    { stdio: 'pipe', env: { ...process.env, ...options.env } }
  )
  let output = ''
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()))
  const lines = createInterface({ input: child.stdout })
  const stdoutLines: string[] = []
  lines.on('line', (line) => stdoutLines.push(line))
  const found: Record<string, string> = {}
  let startupMs = 0
  await new Promise<void>((resolveStart, reject) => {
    child.once('exit', (code) => reject(new Error(`vigil serve exited with ${code}:\n${output}`)))
    lines.on('line', (line) => {
      output += line + '\n'
      const listening = /listening on (https?:\/\/\S+)/.exec(line)
      if (listening?.[1]) {
        found.url = listening[1]
        startupMs = performance.now() - started
      }
      const token = /API token: ([0-9a-f]{64})/.exec(line)
      if (token?.[1]) found.token = token[1]
      const login = /log in:\s+(https?:\/\/\S+)/.exec(line)
      if (login?.[1]) {
        found.loginUrl = login[1]
        resolveStart()
      }
    })
  })
  return {
    url: found.url as string,
    loginUrl: found.loginUrl as string,
    token: found.token as string,
    dataDir: temp.dir,
    startupMs,
    output: () => output,
    line(pattern) {
      const printed = stdoutLines.find((line) => pattern.test(line))
      if (printed !== undefined) return Promise.resolve(printed)
      return new Promise((resolveLine, reject) => {
        const onLine = (line: string): void => {
          if (!pattern.test(line)) return
          lines.off('line', onLine)
          child.off('exit', onExit)
          resolveLine(line)
        }
        const onExit = (code: number | null): void => reject(new Error(`vigil serve exited (${code}) before printing ${pattern}:\n${output}`))
        lines.on('line', onLine)
        child.once('exit', onExit)
      })
    },
    async kill(signal) {
      if (child.exitCode !== null || child.signalCode !== null) return
      const exited = new Promise((resolveExit) => child.once('exit', resolveExit))
      child.kill(signal)
      await exited
    },
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((resolveExit) => child.once('exit', resolveExit))
        child.kill('SIGTERM')
        await exited
      }
      temp.remove()
    }
  }
}
