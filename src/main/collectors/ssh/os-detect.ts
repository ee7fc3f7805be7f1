// Which parser family a server needs, from the first word of `uname -a`.

export type DetectedOs = 'linux' | 'aix' | 'other'

export function detectOs(unameOutput: string): DetectedOs {
  const kernel = unameOutput.trim().split(/\s+/, 1)[0]?.toLowerCase() ?? ''
  if (kernel === 'linux') return 'linux'
  if (kernel === 'aix') return 'aix'
  return 'other'
}
