// Where each model of the dependency graph is drawn: layers left to right, a model with no refs
// in the first column and every other one column right of its deepest ref, so each edge points
// rightwards. Within a column, models follow the average row of their refs (fewer crossings),
// then their name. Pure: unit-tested in Node, drawn as SVG by ModelGraph.tsx.

export const NODE_WIDTH = 168
export const NODE_HEIGHT = 40
export const COLUMN_GAP = 64
export const ROW_GAP = 16
export const MARGIN = 8

export interface GraphModel {
  name: string
  depends_on: readonly string[]
}

export interface PlacedModel {
  name: string
  x: number
  y: number
  column: number
}

export interface PlacedLink {
  from: string
  to: string
  /** SVG path from the ref's right side to the dependant's left side. */
  path: string
}

export interface ModelGraphLayout {
  nodes: PlacedModel[]
  links: PlacedLink[]
  width: number
  height: number
}

/** Each model's column: 0 without refs, else one more than its deepest ref (a cycle stops at the model count). */
export function columnsOf(models: readonly GraphModel[]): Map<string, number> {
  const known = new Set(models.map((model) => model.name))
  const column = new Map(models.map((model) => [model.name, 0]))
  for (let pass = 0; pass < models.length; pass++) {
    let changed = false
    for (const model of models) {
      for (const ref of model.depends_on) {
        if (!known.has(ref)) continue
        const wanted = Math.min(models.length, (column.get(ref) as number) + 1)
        if (wanted > (column.get(model.name) as number)) {
          column.set(model.name, wanted)
          changed = true
        }
      }
    }
    if (!changed) break
  }
  return column
}

export function layoutModels(models: readonly GraphModel[]): ModelGraphLayout {
  const column = columnsOf(models)
  const columns: string[][] = []
  for (const model of models) (columns[column.get(model.name) as number] ??= []).push(model.name)
  const row = new Map<string, number>()
  const refsOf = new Map(models.map((model) => [model.name, model.depends_on]))
  for (const names of columns) {
    if (!names) continue
    const weight = (name: string): number => {
      const rows = (refsOf.get(name) ?? []).map((ref) => row.get(ref)).filter((value): value is number => value !== undefined)
      return rows.length === 0 ? 0 : rows.reduce((sum, value) => sum + value, 0) / rows.length
    }
    names.sort((a, b) => weight(a) - weight(b) || a.localeCompare(b))
    names.forEach((name, index) => row.set(name, index))
  }
  const nodes: PlacedModel[] = models.map((model) => {
    const c = column.get(model.name) as number
    return { name: model.name, column: c, x: MARGIN + c * (NODE_WIDTH + COLUMN_GAP), y: MARGIN + (row.get(model.name) as number) * (NODE_HEIGHT + ROW_GAP) }
  })
  const at = new Map(nodes.map((node) => [node.name, node]))
  const links: PlacedLink[] = []
  for (const model of models) {
    const to = at.get(model.name) as PlacedModel
    for (const ref of model.depends_on) {
      const from = at.get(ref)
      if (!from) continue
      const x1 = from.x + NODE_WIDTH
      const y1 = from.y + NODE_HEIGHT / 2
      const x2 = to.x
      const y2 = to.y + NODE_HEIGHT / 2
      const bend = Math.max(24, (x2 - x1) / 2)
      links.push({ from: ref, to: model.name, path: `M${x1},${y1} C${x1 + bend},${y1} ${x2 - bend},${y2} ${x2},${y2}` })
    }
  }
  const columnsUsed = Math.max(0, ...nodes.map((node) => node.column + 1))
  const rowsUsed = Math.max(0, ...columns.map((names) => names?.length ?? 0))
  return {
    nodes,
    links,
    width: MARGIN * 2 + columnsUsed * NODE_WIDTH + Math.max(0, columnsUsed - 1) * COLUMN_GAP,
    height: MARGIN * 2 + rowsUsed * NODE_HEIGHT + Math.max(0, rowsUsed - 1) * ROW_GAP
  }
}
