import { excerpt, splitLines } from '../text'

/** The operating systems Vigil reads command output from. */
export type OsKind = 'linux' | 'aix'

const KERNEL_NAMES: ReadonlyMap<string, OsKind> = new Map<string, OsKind>([
  ['Linux', 'linux'],
  ['AIX', 'aix']
])

/**
 * The OS from `uname -s`. Login scripts sometimes print before the command's output, so the
 * last line that is exactly a kernel name wins.
 */
export function detectOs(unameOutput: string): { ok: true; os: OsKind } | { ok: false; error: string } {
  const lines = splitLines(unameOutput).map((line) => line.trim())
  for (let i = lines.length - 1; i >= 0; i--) {
    const os = KERNEL_NAMES.get(lines[i] ?? '')
    if (os) return { ok: true, os }
  }
  const seen = excerpt(lines.filter((line) => line !== '').join(' '))
  return { ok: false, error: seen === '' ? 'uname -s printed nothing' : `unsupported OS: uname -s says "${seen}" (Vigil knows Linux and AIX)` }
}
