// label_replace and label_join as Prometheus 2.42 runs them: arguments checked at the first
// step (even over an empty vector), each sample relabelled, its value kept. label_replace's
// replacement is expanded as Go's regexp.Expand expands a template.
import { PromqlExecutionError, type Labels } from '../kernels/values'
import { compileRe2, type CompiledRegex } from '../regex'
import type { StepFunction } from './evaluator'
import { unwrapInvariant, type PlanNode } from './plan'

const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/

function stringArg(node: PlanNode | undefined): string {
  const inner = node && unwrapInvariant(node)
  if (inner?.kind !== 'string') throw new Error('a string argument that is not a string literal')
  return inner.value
}

/** Relabels each sample once per label set (a series keeps its labels object across steps). */
function relabelling(relabel: (labels: Labels) => Labels): StepFunction {
  const cache = new Map<Labels, Labels>()
  return ([vector = []]) =>
    vector.map(({ labels, t, v }) => {
      let out = cache.get(labels)
      if (out === undefined) {
        out = relabel(labels)
        cache.set(labels, out)
      }
      return { labels: out, t, v }
    })
}

/**
 * label_replace(v, dst, replacement, src, regex): where the regex matches all of src's value,
 * dst becomes the expanded replacement (an empty one removes dst); elsewhere nothing changes.
 */
export function labelReplace(args: readonly PlanNode[]): StepFunction {
  const [dst, replacement, src, pattern] = [stringArg(args[1]), stringArg(args[2]), stringArg(args[3]), stringArg(args[4])]
  let regex: CompiledRegex | undefined
  const relabel = relabelling((labels) => {
    const value = labels.get(src)
    const match = (regex as CompiledRegex).regex.exec(value)
    if (match === null) return labels
    return labels.with(dst, expandTemplate(replacement, match, (regex as CompiledRegex).captureNames))
  })
  return (vectors, ts) => {
    if (regex === undefined) {
      try {
        regex = compileRe2(`^(?:${pattern})$`)
      } catch {
        throw new PromqlExecutionError(`invalid regular expression in label_replace(): ${pattern}`)
      }
      if (!LABEL_NAME.test(dst)) throw new PromqlExecutionError(`invalid destination label name in label_replace(): ${dst}`)
    }
    return relabel(vectors, ts)
  }
}

/** label_join(v, dst, separator, src...): dst becomes the sources' values joined (an empty result removes it). */
export function labelJoin(args: readonly PlanNode[]): StepFunction {
  const dst = stringArg(args[1])
  const separator = stringArg(args[2])
  const sources = args.slice(3).map(stringArg)
  const relabel = relabelling((labels) => labels.with(dst, sources.map((name) => labels.get(name)).join(separator)))
  return (vectors, ts) => {
    for (const src of sources) if (!LABEL_NAME.test(src)) throw new PromqlExecutionError(`invalid source label name in label_join(): ${src}`)
    if (!LABEL_NAME.test(dst)) throw new PromqlExecutionError(`invalid destination label name in label_join(): ${dst}`)
    return relabel(vectors, ts)
  }
}

const NAME_CHARACTER = /[\p{L}\p{Nd}_]/u

/**
 * Go's regexp.Expand: `$name` and `${name}` (the longest run of letters, digits and `_`) stand
 * for a group by number (no leading zeros) or by name, a missing or unmatched one for nothing;
 * `$$` is `$`; a `$` followed by anything else stays as it is.
 */
export function expandTemplate(template: string, match: RegExpExecArray, captureNames: readonly string[]): string {
  let out = ''
  let rest = template
  for (let dollar = rest.indexOf('$'); dollar >= 0; dollar = rest.indexOf('$')) {
    out += rest.slice(0, dollar)
    rest = rest.slice(dollar + 1)
    if (rest.startsWith('$')) {
      out += '$'
      rest = rest.slice(1)
      continue
    }
    const reference = readReference(rest)
    if (reference === undefined) {
      out += '$'
      continue
    }
    rest = reference.rest
    out += groupValue(reference.name, match, captureNames)
  }
  return out + rest
}

function readReference(text: string): { name: string; rest: string } | undefined {
  const braced = text.startsWith('{')
  const body = braced ? text.slice(1) : text
  let length = 0
  for (const character of body) {
    if (!NAME_CHARACTER.test(character)) break
    length += character.length
  }
  if (length === 0) return undefined
  const name = body.slice(0, length)
  if (!braced) return { name, rest: body.slice(length) }
  if (body[length] !== '}') return undefined
  return { name, rest: body.slice(length + 1) }
}

function groupValue(name: string, match: RegExpExecArray, captureNames: readonly string[]): string {
  const number = /^(0|[1-9]\d{0,8})$/.test(name) ? Number(name) : -1
  if (number >= 0) return match[number] ?? ''
  const index = captureNames.findIndex((captureName, i) => captureName === name && match[i + 1] !== undefined)
  return index < 0 ? '' : (match[index + 1] as string)
}
