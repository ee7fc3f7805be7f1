// What the import tests share: real multipart uploads to an import source, waiting for a file's
// import to end, nmon's dates, and recordings made here by Debian's nmon.
import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import type { TestApi } from './api'

/** A real multipart/form-data upload (fetch's FormData encoder). */
export async function uploadFile(api: TestApi, source: string, filename: string, content: string | Buffer, query = ''): Promise<{ status: number; body: any }> {
  const form = new FormData()
  form.append('file', new Blob([typeof content === 'string' ? content : new Uint8Array(content)]), filename)
  const response = await fetch(`${api.url}/api/sources/${source}/upload-csv${query}`, { method: 'POST', headers: { Authorization: `Bearer ${api.token}` }, body: form })
  return { status: response.status, body: await response.json() }
}

/** The file's entry once its import has ended (polled: imports are asynchronous). */
export async function settledFile(api: TestApi, source: string, filename: string): Promise<any> {
  for (;;) {
    const { body } = await api.request('GET', `/api/sources/${source}/csv-files`)
    const file = body.files.find((candidate: { filename: string }) => candidate.filename === filename)
    const sourceState = (await api.request('GET', '/api/sources')).body.find((candidate: { name: string }) => candidate.name === source)
    if (file && (file.status === 'success' || file.status === 'failed') && sourceState.status !== 'syncing') return file
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}

const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC']

/** A UTC day as nmon writes dates: `15-MAR-2024`. */
export function nmonDate(ts: number): string {
  const date = new Date(ts)
  return `${String(date.getUTCDate()).padStart(2, '0')}-${MONTHS[date.getUTCMonth()]}-${date.getUTCFullYear()}`
}

/** The hand-written AIX recording (test/fixtures/nmon), its snapshots at 10:00:10, :20, :30 UTC of `day`. */
export function aixRecording(day: number): string {
  return readFileSync('test/fixtures/nmon/aix-handwritten.nmon', 'utf8').replaceAll('15-MAR-2024', nmonDate(day))
}

/**
 * A real recording of this machine by Debian's nmon: `nmon -F file <options> -p` records in the
 * background and prints the recorder's pid, whose end is awaited. Returns the file's text.
 */
export async function recordNmon(file: string, options: readonly string[]): Promise<string> {
  // The pid is the last line (nmon may say something of its options before).
  const pid = Number(execFileSync('nmon', ['-F', file, ...options, '-p'], { encoding: 'utf8' }).trim().split('\n').at(-1))
  if (!(pid > 0)) throw new Error(`nmon printed no pid for ${file}`)
  while (isRunning(pid)) await new Promise((resolve) => setTimeout(resolve, 100))
  return readFileSync(file, 'utf8')
}

/** A recording's CPU_ALL User% values, snapshot by snapshot. */
export function userPercents(recording: string): number[] {
  return recording
    .split('\n')
    .filter((line) => /^CPU_ALL,T\d+,/.test(line))
    .map((line) => Number(line.split(',')[2]))
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}
