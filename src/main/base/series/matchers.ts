// Label matchers over series groups, as PromQL has them: =, !=, =~, !~, where a regular
// expression matches the whole value and a matcher that matches "" also selects the groups
// without that label.
import type { LabelIndex } from './label-postings'

export type MatchOp = '=' | '!=' | '=~' | '!~'

export interface LabelMatcher {
  name: string
  op: MatchOp
  value: string
}

export function matcherTest(matcher: LabelMatcher): (value: string) => boolean {
  switch (matcher.op) {
    case '=':
      return (value) => value === matcher.value
    case '!=':
      return (value) => value !== matcher.value
    case '=~':
    case '!~': {
      const pattern = new RegExp(`^(?:${matcher.value})$`, 'su')
      return matcher.op === '=~' ? (value) => pattern.test(value) : (value) => !pattern.test(value)
    }
  }
}

/** The ids of the groups every matcher selects; all groups when there is no matcher. */
export function selectGroups(index: LabelIndex, matchers: readonly LabelMatcher[]): Set<number> {
  const allGroups = (): Set<number> => new Set(index.allGroupIds())

  // Equality first: it narrows the most for the least work.
  const ordered = [...matchers].sort((a, b) => Number(a.op !== '=') - Number(b.op !== '='))
  let selected = null as Set<number> | null
  for (const matcher of ordered) {
    const test = matcherTest(matcher)
    const matching = new Set<number>()
    if (matcher.op === '=' && matcher.value !== '') {
      for (const id of index.groupsWith(matcher.name, matcher.value)) matching.add(id)
    } else {
      for (const value of index.valuesOf(matcher.name)) {
        if (test(value)) for (const id of index.groupsWith(matcher.name, value)) matching.add(id)
      }
      if (test('')) {
        const labelled = new Set(index.groupsWithLabel(matcher.name))
        for (const id of selected ?? allGroups()) if (!labelled.has(id)) matching.add(id)
      }
    }
    selected = selected === null ? matching : intersect(selected, matching)
    if (selected.size === 0) break
  }
  return selected ?? allGroups()
}

function intersect(a: ReadonlySet<number>, b: ReadonlySet<number>): Set<number> {
  const both = new Set<number>()
  for (const id of a) if (b.has(id)) both.add(id)
  return both
}
