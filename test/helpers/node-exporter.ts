// A throwaway prometheus-node-exporter (Debian's package, installed by
// scripts/install-test-deps.sh) on a random loopback port: a real exporter for the scrape tests.
// start resolves once it says it listens (its own log line), or rejects with its output.
import { spawn, type ChildProcess } from 'node:child_process'
import { accessSync, constants } from 'node:fs'
import { freePort } from './sshd'

export const NODE_EXPORTER = '/usr/bin/prometheus-node-exporter'

export interface NodeExporter {
  port: number
  stop(): Promise<void>
}

export function nodeExporterInstalled(): boolean {
  try {
    accessSync(NODE_EXPORTER, constants.X_OK)
    return true
  } catch {
    return false
  }
}

const live = new Set<ChildProcess>()
process.once('exit', () => {
  for (const child of live) child.kill('SIGKILL')
})

export async function startNodeExporter(): Promise<NodeExporter> {
  if (!nodeExporterInstalled()) throw new Error(`${NODE_EXPORTER} is missing: bash scripts/install-test-deps.sh installs Debian's prometheus-node-exporter`)
  const port = await freePort()
  // The collectors that read only /proc and /sys; none that shells out or needs root.
  const child = spawn(NODE_EXPORTER, [`--web.listen-address=127.0.0.1:${port}`, '--collector.disable-defaults', '--collector.cpu', '--collector.meminfo', '--collector.loadavg', '--collector.netdev', '--collector.stat', '--collector.filesystem'], { stdio: ['ignore', 'pipe', 'pipe'] })
  live.add(child)
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  await new Promise<void>((resolve, reject) => {
    let output = ''
    const timer = setTimeout(() => reject(new Error(`node_exporter did not start listening within 20 s:\n${output}`)), 20_000)
    const onData = (chunk: Buffer): void => {
      output += chunk.toString()
      if (/Listening on/.test(output)) {
        clearTimeout(timer)
        resolve()
      }
    }
    child.stdout?.on('data', onData)
    child.stderr?.on('data', onData)
    child.once('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`node_exporter exited (${code}) before it listened:\n${output}`))
    })
  })
  return {
    port,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM')
      await exited
      live.delete(child)
    }
  }
}
