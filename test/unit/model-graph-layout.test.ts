// The Models page's dependency graph layout: refs to the left of what reads them, rows ordered
// to cut crossings, and a drawing big enough for every box.
import { describe, expect, it } from 'vitest'
import { columnsOf, layoutModels, NODE_HEIGHT, NODE_WIDTH } from '../../src/renderer/src/views/models/model-graph-layout'

const models = [
  { name: 'report', depends_on: ['cpu_hourly', 'disk_daily'] },
  { name: 'cpu_hourly', depends_on: [] },
  { name: 'busy', depends_on: ['cpu_hourly'] },
  { name: 'disk_daily', depends_on: [] }
]

describe('the model graph layout', () => {
  it('puts each model one column right of its deepest ref', () => {
    expect(Object.fromEntries(columnsOf(models))).toEqual({ report: 1, cpu_hourly: 0, busy: 1, disk_daily: 0 })
    expect(columnsOf([...models, { name: 'top', depends_on: ['report', 'disk_daily'] }]).get('top')).toBe(2)
  })

  it('draws every link rightwards, between boxes that do not overlap', () => {
    const layout = layoutModels(models)
    const at = new Map(layout.nodes.map((node) => [node.name, node]))
    expect(layout.links.map((link) => `${link.from}>${link.to}`).sort()).toEqual(['cpu_hourly>busy', 'cpu_hourly>report', 'disk_daily>report'])
    for (const link of layout.links) expect((at.get(link.from)?.x ?? 0) + NODE_WIDTH).toBeLessThan(at.get(link.to)?.x ?? 0)
    for (const a of layout.nodes) {
      for (const b of layout.nodes) {
        if (a === b) continue
        const apart = a.x + NODE_WIDTH <= b.x || b.x + NODE_WIDTH <= a.x || a.y + NODE_HEIGHT <= b.y || b.y + NODE_HEIGHT <= a.y
        expect(apart, `${a.name} and ${b.name}`).toBe(true)
      }
      expect(a.x + NODE_WIDTH).toBeLessThanOrEqual(layout.width)
      expect(a.y + NODE_HEIGHT).toBeLessThanOrEqual(layout.height)
    }
    // busy follows cpu_hourly's row (0), report sits between its refs' rows (0 and 1).
    expect(at.get('busy')?.y).toBeLessThan(at.get('report')?.y ?? 0)
  })

  it('survives a cycle and a ref to nothing (a hand-edited file)', () => {
    const layout = layoutModels([
      { name: 'a', depends_on: ['b', 'ghost'] },
      { name: 'b', depends_on: ['a'] }
    ])
    expect(layout.nodes).toHaveLength(2)
    expect(layout.links).toHaveLength(2)
  })
})
