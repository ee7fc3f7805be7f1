// What a V8 heap snapshot file holds, by constructor: the benches that take one (fleet.ts through
// the inspector, series-memory.ts in-process) print the same summary of it.
import { readFileSync } from 'node:fs'

interface HeapSnapshot {
  snapshot: { meta: { node_fields: string[]; node_types: [string[]] } }
  nodes: number[]
  strings: string[]
}

const mib = (bytes: number): string => `${(bytes / 2 ** 20).toFixed(1)} MiB`

/** The `top` constructors whose objects hold the most (self size), with the snapshot's total, as lines of text. */
export function summarizeHeapSnapshot(file: string, top = 30): string {
  const snapshot = JSON.parse(readFileSync(file, 'utf8')) as HeapSnapshot
  const fields = snapshot.snapshot.meta.node_fields
  const width = fields.length
  const typeAt = fields.indexOf('type')
  const nameAt = fields.indexOf('name')
  const sizeAt = fields.indexOf('self_size')
  const types = snapshot.snapshot.meta.node_types[0]
  const bySize = new Map<string, { bytes: number; count: number }>()
  let total = 0
  for (let n = 0; n < snapshot.nodes.length; n += width) {
    const type = types[snapshot.nodes[n + typeAt] as number] as string
    const name = type === 'object' || type === 'native' ? (snapshot.strings[snapshot.nodes[n + nameAt] as number] as string) : `(${type})`
    const entry = bySize.get(name) ?? { bytes: 0, count: 0 }
    const bytes = snapshot.nodes[n + sizeAt] as number
    entry.bytes += bytes
    total += bytes
    entry.count++
    bySize.set(name, entry)
  }
  return [
    `  heap snapshot ${file}: ${mib(total)} live; largest by self size (bytes, objects, constructor):`,
    ...[...bySize]
      .sort((a, b) => b[1].bytes - a[1].bytes)
      .slice(0, top)
      .map(([name, { bytes, count }]) => `    ${mib(bytes).padStart(11)} ${count.toLocaleString('en').padStart(11)}  ${name.slice(0, 80)}`)
  ].join('\n')
}
