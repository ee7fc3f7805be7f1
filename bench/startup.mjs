// How long `vigil serve` takes to listen on an empty data dir (goal: under 2 s).
// Run after `npm run build`:  node bench/startup.mjs [runs]
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { cpus, tmpdir } from 'node:os'
import { join } from 'node:path'

const runs = Number(process.argv[2] ?? 10)

function startOnce() {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-bench-'))
  const started = performance.now()
  const child = spawn(process.execPath, ['out/main/cli.js', 'serve', '--port', '0', '--data-dir', dir])
  return new Promise((resolve, reject) => {
    let out = ''
    let listening = false
    const failed = (code) => reject(new Error(`exited ${code}: ${out}`))
    child.once('exit', failed)
    child.stdout.on('data', (chunk) => {
      out += chunk
      if (!listening && /listening on/.test(out)) {
        listening = true
        const ms = performance.now() - started
        child.off('exit', failed)
        child.once('exit', () => {
          rmSync(dir, { recursive: true, force: true })
          resolve(ms)
        })
        child.kill('SIGTERM')
      }
    })
  })
}

const times = []
for (let i = 0; i < runs; i++) times.push(await startOnce())
times.sort((a, b) => a - b)
const pick = (q) => times[Math.min(times.length - 1, Math.floor(q * times.length))].toFixed(0)
console.log(`vigil serve, empty data dir, ${runs} runs on ${cpus().length}× ${cpus()[0]?.model ?? 'cpu'}, node ${process.version}`)
console.log(`spawn → listening: min ${times[0].toFixed(0)} ms, p50 ${pick(0.5)} ms, max ${times.at(-1).toFixed(0)} ms`)
