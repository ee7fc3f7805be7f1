// The models' dependency graph: what each refers to, cycles, unknown refs, build order, and
// what a run with or without cascade builds. Pure.

/** Each model's name with the models it refers to. */
export type Graph = ReadonlyMap<string, readonly string[]>

export class GraphError extends Error {}

/** The first model that refers to a model that does not exist, as an error; null when all refs resolve. */
export function unknownRef(graph: Graph): GraphError | null {
  for (const [name, refs] of graph) {
    const missing = refs.find((ref) => !graph.has(ref))
    if (missing !== undefined) return new GraphError(`Model '${name}' refers to '${missing}', which is not a model: ref('${missing}') is unknown`)
  }
  return null
}

/** A cycle of refs as `a → b → a`, or null. */
export function findCycle(graph: Graph): string[] | null {
  const state = new Map<string, 'open' | 'done'>()
  const path: string[] = []
  const visit = (name: string): string[] | null => {
    const seen = state.get(name)
    if (seen === 'done') return null
    if (seen === 'open') return [...path.slice(path.indexOf(name)), name]
    state.set(name, 'open')
    path.push(name)
    for (const ref of graph.get(name) ?? []) {
      if (!graph.has(ref)) continue
      const cycle = visit(ref)
      if (cycle) return cycle
    }
    path.pop()
    state.set(name, 'done')
    return null
  }
  for (const name of [...graph.keys()].sort()) {
    const cycle = visit(name)
    if (cycle) return cycle
  }
  return null
}

/** Throws a GraphError for an unknown ref or a cycle. */
export function checkGraph(graph: Graph): void {
  const unknown = unknownRef(graph)
  if (unknown) throw unknown
  const cycle = findCycle(graph)
  if (cycle) throw new GraphError(`Models refer to each other in a cycle: ${cycle.join(' → ')}`)
}

/**
 * Every model, each after the models it refers to; ties by name, so the order is stable.
 * (Kahn's algorithm; the graph must have been checked.)
 */
export function buildOrder(graph: Graph): string[] {
  const waiting = new Map<string, number>()
  const dependants = new Map<string, string[]>()
  for (const [name, refs] of graph) {
    waiting.set(name, new Set(refs).size)
    for (const ref of new Set(refs)) dependants.set(ref, [...(dependants.get(ref) ?? []), name])
  }
  const ready = [...waiting].filter(([, count]) => count === 0).map(([name]) => name)
  const order: string[] = []
  while (ready.length > 0) {
    ready.sort()
    const name = ready.shift() as string
    order.push(name)
    for (const dependant of dependants.get(name) ?? []) {
      const left = (waiting.get(dependant) as number) - 1
      waiting.set(dependant, left)
      if (left === 0) ready.push(dependant)
    }
  }
  if (order.length !== graph.size) throw new GraphError('Models refer to each other in a cycle')
  return order
}

/** The models that refer to `name`, directly or through others. */
export function downstream(graph: Graph, name: string): Set<string> {
  const found = new Set<string>()
  const walk = (target: string): void => {
    for (const [other, refs] of graph) {
      if (refs.includes(target) && !found.has(other)) {
        found.add(other)
        walk(other)
      }
    }
  }
  walk(name)
  return found
}

/** The models `name` refers to, directly or through others. */
export function upstream(graph: Graph, name: string): Set<string> {
  const found = new Set<string>()
  const walk = (target: string): void => {
    for (const ref of graph.get(target) ?? []) {
      if (!found.has(ref)) {
        found.add(ref)
        walk(ref)
      }
    }
  }
  walk(name)
  return found
}

/**
 * What a run of `name` builds, in build order: the model; with cascade, every model downstream
 * of it (the spec's "run downstream models"); and, either way, the models upstream of any of
 * those that were never built (`built` says which are), since without them it cannot run.
 */
export function runPlan(graph: Graph, name: string, cascade: boolean, built: (model: string) => boolean): string[] {
  const wanted = new Set([name, ...(cascade ? downstream(graph, name) : [])])
  for (const model of [...wanted]) for (const ref of upstream(graph, model)) if (!built(ref)) wanted.add(ref)
  return buildOrder(graph).filter((model) => wanted.has(model))
}
