// RE2 regular expressions for label matchers (and label_replace), as Prometheus 2.42 uses
// them: the pattern is anchored as `^(?:pattern)$`, read with Go's regexp/syntax rules in Perl
// mode, and refused with Go's error texts where Go refuses it (backreferences, lookaround,
// stacked repetition, ...). JavaScript's RegExp differs from RE2 in flags, classes and
// escapes, so the pattern is parsed here and a JavaScript RegExp of the same meaning is
// written out: `.` excludes only \n, \s is [\t\n\f\r ], \d and \w and \b are ASCII, `(?i)`
// folds case by Unicode simple case folding, `(?m)` `(?s)` `(?U)` and scoped `(?i:...)` work.

export class RegexSyntaxError extends Error {
  constructor(code: string, expr: string) {
    super(`error parsing regexp: ${code}: \`${expr}\``)
    this.name = 'RegexSyntaxError'
  }
}

const ERR = {
  invalidCharClass: 'invalid character class',
  invalidCharRange: 'invalid character class range',
  invalidEscape: 'invalid escape sequence',
  invalidNamedCapture: 'invalid named capture',
  invalidPerlOp: 'invalid or unsupported Perl syntax',
  invalidRepeatOp: 'invalid nested repetition operator',
  invalidRepeatSize: 'invalid repeat count',
  missingBracket: 'missing closing ]',
  missingParen: 'missing closing )',
  missingRepeatArgument: 'missing argument to repetition operator',
  trailingBackslash: 'trailing backslash at end of expression',
  unexpectedParen: 'unexpected )'
} as const

const MAX_RUNE = 0x10ffff
type Range = [lo: number, hi: number]

/** A set of characters: explicit ranges plus Unicode property escapes (\p{..} / \P{..}). */
interface CharSet {
  ranges: Range[]
  properties: string[]
}

type Node =
  | { op: 'empty' }
  | { op: 'literal'; cp: number; fold: boolean }
  | { op: 'class'; set: CharSet; negated: boolean }
  | { op: 'any'; dotNL: boolean }
  | { op: 'beginText' | 'endText' | 'beginLine' | 'endLine' | 'wordBoundary' | 'noWordBoundary' }
  | { op: 'capture'; sub: Node }
  | { op: 'concat'; subs: Node[] }
  | { op: 'alternate'; subs: Node[] }
  | { op: 'repeat'; min: number; max: number; greedy: boolean; braces: boolean; sub: Node }

interface Flags {
  fold: boolean
  multiLine: boolean
  dotNL: boolean
  ungreedy: boolean
}

type Marker = { marker: 'paren'; capture: boolean; saved: Flags } | { marker: 'bar' }
type StackItem = Node | Marker

const isMarker = (item: StackItem | undefined): item is Marker => item !== undefined && 'marker' in item

// Character groups of RE2 (ASCII only, as in Go).
const PERL_GROUPS: Record<string, Range[]> = {
  d: [[0x30, 0x39]],
  s: [[0x09, 0x0a], [0x0c, 0x0d], [0x20, 0x20]],
  w: [[0x30, 0x39], [0x41, 0x5a], [0x5f, 0x5f], [0x61, 0x7a]]
}
const POSIX_GROUPS: Record<string, Range[]> = {
  alnum: [[0x30, 0x39], [0x41, 0x5a], [0x61, 0x7a]],
  alpha: [[0x41, 0x5a], [0x61, 0x7a]],
  ascii: [[0x00, 0x7f]],
  blank: [[0x09, 0x09], [0x20, 0x20]],
  cntrl: [[0x00, 0x1f], [0x7f, 0x7f]],
  digit: [[0x30, 0x39]],
  graph: [[0x21, 0x7e]],
  lower: [[0x61, 0x7a]],
  print: [[0x20, 0x7e]],
  punct: [[0x21, 0x2f], [0x3a, 0x40], [0x5b, 0x60], [0x7b, 0x7e]],
  space: [[0x09, 0x0d], [0x20, 0x20]],
  upper: [[0x41, 0x5a]],
  word: [[0x30, 0x39], [0x41, 0x5a], [0x5f, 0x5f], [0x61, 0x7a]],
  xdigit: [[0x30, 0x39], [0x41, 0x46], [0x61, 0x66]]
}
const GENERAL_CATEGORIES = new Set([
  'C', 'Cc', 'Cf', 'Co', 'Cs', 'L', 'Ll', 'Lm', 'Lo', 'Lt', 'Lu', 'M', 'Mc', 'Me', 'Mn', 'N', 'Nd', 'Nl', 'No',
  'P', 'Pc', 'Pd', 'Pe', 'Pf', 'Pi', 'Po', 'Ps', 'S', 'Sc', 'Sk', 'Sm', 'So', 'Z', 'Zl', 'Zp', 'Zs'
])

/** Scripts whose long name is four letters, unlike the ISO 15924 codes Go does not accept. */
const FOUR_LETTER_SCRIPTS = new Set(['Ahom', 'Cham', 'Lisu', 'Miao', 'Modi', 'Newa', 'Thai'])
const SCRIPTS_AFTER_UNICODE_13 = new Set(['Cypro_Minoan', 'Old_Uyghur', 'Tangsa', 'Toto', 'Vithkuqi', 'Kawi', 'Nag_Mundari'])

/** The JavaScript property escape for an RE2 Unicode class name, or null when RE2 has no such class. */
function unicodeProperty(name: string, negated: boolean): string | null {
  const p = negated ? 'P' : 'p'
  if (name === 'Any') return negated ? '\\P{Any}' : '\\p{Any}'
  if (GENERAL_CATEGORIES.has(name)) return `\\${p}{General_Category=${name}}`
  // Go knows scripts by their long names only (Greek, Old_Italic), from Unicode 13; JavaScript
  // also takes the four-letter codes (Grek) and knows the scripts added since.
  if (!/^[A-Z][a-z]+(_[A-Z][a-z]+)*$/.test(name) && name !== 'Nko') return null
  if (name.length === 4 && !FOUR_LETTER_SCRIPTS.has(name)) return null
  if (SCRIPTS_AFTER_UNICODE_13.has(name)) return null
  try {
    new RegExp(`\\p{Script=${name}}`, 'u')
  } catch {
    return null
  }
  return `\\${p}{Script=${name}}`
}

function complement(ranges: Range[]): Range[] {
  const sorted = normalize(ranges)
  const out: Range[] = []
  let next = 0
  for (const [lo, hi] of sorted) {
    if (lo > next) out.push([next, lo - 1])
    next = hi + 1
  }
  if (next <= MAX_RUNE) out.push([next, MAX_RUNE])
  return out
}

function normalize(ranges: Range[]): Range[] {
  const sorted = [...ranges].sort((a, b) => a[0] - b[0])
  const out: Range[] = []
  for (const [lo, hi] of sorted) {
    const last = out[out.length - 1]
    if (last && lo <= last[1] + 1) last[1] = Math.max(last[1], hi)
    else out.push([lo, hi])
  }
  return out
}

// --- case folding (Unicode simple case folding orbits, as RE2's (?i)) ---

let orbits: Map<number, number[]> | null = null

/** Code points that have other case forms, each mapped to all its forms; built on first use. */
function caseOrbits(): Map<number, number[]> {
  if (orbits) return orbits
  const cased = /\p{Changes_When_Casemapped}/u
  const parent = new Map<number, number>()
  const find = (x: number): number => {
    let root = x
    while (parent.get(root) !== undefined && parent.get(root) !== root) root = parent.get(root)!
    return root
  }
  const union = (a: number, b: number): void => {
    if (!parent.has(a)) parent.set(a, a)
    if (!parent.has(b)) parent.set(b, b)
    parent.set(find(a), find(b))
  }
  const escape = (cp: number): string => `\\u{${cp.toString(16)}}`
  for (let cp = 0; cp <= 0x1ffff; cp++) {
    const ch = String.fromCodePoint(cp)
    if (!cased.test(ch)) continue
    for (const other of [ch.toLowerCase(), ch.toUpperCase()]) {
      const o = other.codePointAt(0)!
      if (other.length !== String.fromCodePoint(o).length || o === cp) continue
      // Same under JavaScript's case-insensitive Unicode matching = same simple case folding.
      if (new RegExp(`^${escape(cp)}$`, 'iu').test(other)) union(cp, o)
    }
  }
  const groups = new Map<number, number[]>()
  for (const cp of parent.keys()) {
    const root = find(cp)
    const group = groups.get(root) ?? []
    group.push(cp)
    groups.set(root, group)
  }
  orbits = new Map()
  for (const group of groups.values()) for (const cp of group) orbits.set(cp, group)
  return orbits
}

/** The ranges plus every other case form of the characters they hold. */
function foldRanges(ranges: Range[]): Range[] {
  const extra: Range[] = []
  for (const [cp, group] of caseOrbits()) {
    if (ranges.some(([lo, hi]) => cp >= lo && cp <= hi)) for (const g of group) extra.push([g, g])
  }
  return normalize([...ranges, ...extra])
}

function foldProperty(property: string): Range[] {
  const re = new RegExp(`^[${property}]$`, 'u')
  const extra: Range[] = []
  for (const [cp, group] of caseOrbits()) if (re.test(String.fromCodePoint(cp))) for (const g of group) extra.push([g, g])
  return extra
}

// --- the parser ---

const isAlphaNumeric = (c: string | undefined): boolean => c !== undefined && /^[0-9A-Za-z]$/.test(c)
const isValidCaptureName = (name: string): boolean => /^[0-9A-Za-z_]+$/.test(name)
const hexValue = (c: string | undefined): number => (c !== undefined && /^[0-9A-Fa-f]$/.test(c) ? parseInt(c, 16) : -1)

class Re2Parser {
  private readonly stack: StackItem[] = []
  private flags: Flags = { fold: false, multiLine: false, dotNL: false, ungreedy: false }
  /** Capture group names in order, '' for unnamed groups. */
  readonly captureNames: string[] = []

  constructor(private readonly src: string) {}

  private fail(code: string, expr: string): never {
    throw new RegexSyntaxError(code, expr)
  }

  /** The code point at i and the index after it. */
  private rune(i: number): [cp: number, next: number] {
    const cp = this.src.codePointAt(i)!
    return [cp, i + (cp > 0xffff ? 2 : 1)]
  }

  private push(node: Node): void {
    this.stack.push(node)
  }

  private literal(cp: number): void {
    this.push({ op: 'literal', cp, fold: this.flags.fold })
  }

  parse(): Node {
    const src = this.src
    let i = 0
    let lastRepeat = -1 // where the previous token began, when it was a repetition operator
    while (i < src.length) {
      let repeat = -1
      const c = src[i]!
      switch (c) {
        case '(':
          if (src[i + 1] === '?') i = this.parseGroupFlags(i)
          else {
            this.captureNames.push('')
            this.stack.push({ marker: 'paren', capture: true, saved: { ...this.flags } })
            i++
          }
          break
        case '|':
          this.stack.push({ marker: 'bar' })
          i++
          break
        case ')':
          this.closeGroup()
          i++
          break
        case '^':
          this.push({ op: this.flags.multiLine ? 'beginLine' : 'beginText' })
          i++
          break
        case '$':
          this.push({ op: this.flags.multiLine ? 'endLine' : 'endText' })
          i++
          break
        case '.':
          this.push({ op: 'any', dotNL: this.flags.dotNL })
          i++
          break
        case '[':
          i = this.parseClass(i)
          break
        case '*':
        case '+':
        case '?': {
          const [min, max] = c === '*' ? [0, -1] : c === '+' ? [1, -1] : [0, 1]
          repeat = i
          i = this.repeat(min, max, false, i, i + 1, lastRepeat)
          break
        }
        case '{': {
          const braces = /^\{(\d+)(,(\d*))?\}/.exec(src.slice(i))
          if (!braces) {
            this.literal(0x7b)
            i++
            break
          }
          const min = Number(braces[1])
          const max = braces[2] === undefined ? min : braces[3] === '' ? -1 : Number(braces[3])
          const after = i + braces[0].length
          if (min > 1000 || max > 1000 || (max >= 0 && min > max)) this.fail(ERR.invalidRepeatSize, src.slice(i, after))
          repeat = i
          i = this.repeat(min, max, true, i, after, lastRepeat)
          break
        }
        case '\\':
          i = this.parseBackslash(i)
          break
        default: {
          const [cp, next] = this.rune(i)
          this.literal(cp)
          i = next
        }
      }
      lastRepeat = repeat
    }
    if (this.stack.some((item) => isMarker(item) && item.marker === 'paren')) this.fail(ERR.missingParen, src)
    return this.collapse(0)
  }

  /** Applies a repetition operator written at src[before..after) to the item before it. */
  private repeat(min: number, max: number, braces: boolean, before: number, after: number, lastRepeat: number): number {
    let greedy = !this.flags.ungreedy
    if (this.src[after] === '?') {
      after++
      greedy = !greedy
    }
    if (lastRepeat >= 0) this.fail(ERR.invalidRepeatOp, this.src.slice(lastRepeat, after))
    const sub = this.stack[this.stack.length - 1]
    if (sub === undefined || isMarker(sub)) this.fail(ERR.missingRepeatArgument, this.src.slice(before, after))
    const node: Node = { op: 'repeat', min, max, greedy, braces, sub }
    if (braces && (min >= 2 || max >= 2) && !repeatIsValid(node, 1000)) this.fail(ERR.invalidRepeatSize, this.src.slice(before, after))
    this.stack[this.stack.length - 1] = node
    return after
  }

  /** Replaces the items from index `from` of the stack by their alternation of concatenations. */
  private collapse(from: number): Node {
    const items = this.stack.splice(from)
    const branches: Node[][] = [[]]
    for (const item of items) {
      if (isMarker(item)) branches.push([])
      else branches[branches.length - 1]!.push(item)
    }
    const concat = (nodes: Node[]): Node => (nodes.length === 0 ? { op: 'empty' } : nodes.length === 1 ? nodes[0]! : { op: 'concat', subs: nodes })
    return branches.length === 1 ? concat(branches[0]!) : { op: 'alternate', subs: branches.map(concat) }
  }

  private closeGroup(): void {
    let open = this.stack.length - 1
    while (open >= 0) {
      const item = this.stack[open]
      if (isMarker(item) && item.marker === 'paren') break
      open--
    }
    if (open < 0) this.fail(ERR.unexpectedParen, this.src)
    const marker = this.stack[open] as Extract<Marker, { marker: 'paren' }>
    this.stack.splice(open, 1)
    const body = this.collapse(open)
    this.flags = marker.saved
    this.push(marker.capture ? { op: 'capture', sub: body } : body)
  }

  /** `(?P<name>`, `(?flags)` or `(?flags:` at src[i]. */
  private parseGroupFlags(i: number): number {
    const rest = this.src.slice(i)
    if (rest.length > 4 && rest[2] === 'P' && rest[3] === '<') {
      const end = rest.indexOf('>')
      if (end < 0) this.fail(ERR.invalidNamedCapture, rest)
      const name = rest.slice(4, end)
      if (!isValidCaptureName(name)) this.fail(ERR.invalidNamedCapture, rest.slice(0, end + 1))
      this.captureNames.push(name)
      this.stack.push({ marker: 'paren', capture: true, saved: { ...this.flags } })
      return i + end + 1
    }
    const flags = { ...this.flags }
    let negate = false
    let sawFlag = false
    let j = i + 2
    while (j < this.src.length) {
      const c = this.src[j]!
      j = this.rune(j)[1]
      if (c === 'i' || c === 'm' || c === 's' || c === 'U') {
        const key = ({ i: 'fold', m: 'multiLine', s: 'dotNL', U: 'ungreedy' } as const)[c]
        flags[key] = !negate
        sawFlag = true
      } else if (c === '-' && !negate) {
        negate = true
        sawFlag = false
      } else if ((c === ':' || c === ')') && !(negate && !sawFlag)) {
        if (c === ':') this.stack.push({ marker: 'paren', capture: false, saved: { ...this.flags } })
        this.flags = flags
        return j
      } else break
    }
    return this.fail(ERR.invalidPerlOp, this.src.slice(i, j))
  }

  private parseBackslash(i: number): number {
    const src = this.src
    const next = src[i + 1]
    switch (next) {
      case 'A':
        this.push({ op: 'beginText' })
        return i + 2
      case 'b':
        this.push({ op: 'wordBoundary' })
        return i + 2
      case 'B':
        this.push({ op: 'noWordBoundary' })
        return i + 2
      case 'C':
        return this.fail(ERR.invalidEscape, '\\C')
      case 'z':
        this.push({ op: 'endText' })
        return i + 2
      case 'Q': {
        // \Q...\E: everything up to \E (or the end) is literal text.
        const end = src.indexOf('\\E', i + 2)
        const text = end < 0 ? src.slice(i + 2) : src.slice(i + 2, end)
        for (const ch of text) this.literal(ch.codePointAt(0)!)
        return end < 0 ? src.length : end + 2
      }
    }
    const unicode = this.parseUnicodeClass(i)
    if (unicode) {
      this.push({ op: 'class', set: unicode.set, negated: false })
      return unicode.next
    }
    const perl = this.parsePerlClass(i)
    if (perl) {
      this.push({ op: 'class', set: { ranges: perl.ranges, properties: [] }, negated: false })
      return perl.next
    }
    const [cp, after] = this.parseEscape(i)
    this.literal(cp)
    return after
  }

  /** A single-character escape at src[i] (the backslash): its code point and the index after it. */
  private parseEscape(i: number): [number, number] {
    const src = this.src
    if (i + 1 >= src.length) this.fail(ERR.trailingBackslash, '')
    const [c, afterC] = this.rune(i + 1)
    let t = afterC
    const ch = String.fromCodePoint(c)
    const invalid = (): never => this.fail(ERR.invalidEscape, src.slice(i, t))
    if (c < 0x80 && !isAlphaNumeric(ch)) return [c, t] // escaped punctuation is itself
    const simple: Record<string, number> = { a: 7, f: 12, n: 10, r: 13, t: 9, v: 11 }
    if (ch in simple) return [simple[ch]!, t]
    if (ch >= '0' && ch <= '7') {
      // \1 to \7 alone would be backreferences, which RE2 does not have.
      if (ch !== '0' && !(src[t]! >= '0' && src[t]! <= '7')) return invalid()
      let value = c - 0x30
      for (let n = 1; n < 3 && src[t]! >= '0' && src[t]! <= '7'; n++, t++) value = value * 8 + (src.charCodeAt(t) - 0x30)
      return [value, t]
    }
    if (ch === 'x') {
      if (t >= src.length) return invalid()
      const [first, afterFirst] = this.rune(t)
      t = afterFirst
      if (first === 0x7b) {
        // \x{10FFFF}: at least one hex digit, within the Unicode range.
        let value = 0
        let digits = 0
        for (;;) {
          if (t >= src.length) return invalid()
          const [d, afterD] = this.rune(t)
          t = afterD
          if (d === 0x7d) break
          const v = hexValue(String.fromCodePoint(d))
          if (v < 0) return invalid()
          value = value * 16 + v
          if (value > MAX_RUNE) return invalid()
          digits++
        }
        if (digits === 0) return invalid()
        return [value, t]
      }
      const x = hexValue(String.fromCodePoint(first))
      if (t >= src.length) return invalid()
      const [second, afterSecond] = this.rune(t)
      t = afterSecond
      const y = hexValue(String.fromCodePoint(second))
      if (x < 0 || y < 0) return invalid()
      return [x * 16 + y, t]
    }
    return invalid()
  }

  /** \pL, \p{Greek}, \PL, \p{^Greek} at src[i]; null when src[i] does not start one. */
  private parseUnicodeClass(i: number): { set: CharSet; next: number } | null {
    const src = this.src
    if (src[i] !== '\\' || (src[i + 1] !== 'p' && src[i + 1] !== 'P')) return null
    let negated = src[i + 1] === 'P'
    let name: string
    let seqEnd: number
    if (src[i + 2] !== '{') {
      seqEnd = i + 2 < src.length ? this.rune(i + 2)[1] : i + 2
      name = src.slice(i + 2, seqEnd)
    } else {
      const close = src.indexOf('}', i)
      if (close < 0) this.fail(ERR.invalidCharRange, src.slice(i))
      seqEnd = close + 1
      name = src.slice(i + 3, close)
    }
    if (name.startsWith('^')) {
      negated = !negated
      name = name.slice(1)
    }
    const property = unicodeProperty(name, false)
    if (!property) this.fail(ERR.invalidCharRange, src.slice(i, seqEnd))
    let set: CharSet
    if (this.flags.fold) {
      const extra = foldProperty(property)
      // Negated and folded: the complement of the property and its other case forms. The
      // property's complement cannot be listed as ranges cheaply, so extra forms are dropped
      // there (a rare corner: (?i) with \P{...}).
      set = negated ? { ranges: [], properties: [unicodeProperty(name, true)!] } : { ranges: extra, properties: [property] }
    } else set = { ranges: [], properties: [unicodeProperty(name, negated)!] }
    return { set, next: seqEnd }
  }

  /** \d \D \s \S \w \W at src[i]. */
  private parsePerlClass(i: number): { ranges: Range[]; next: number } | null {
    const name = this.src[i + 1]
    if (this.src[i] !== '\\' || name === undefined || !'dDsSwW'.includes(name)) return null
    let ranges = PERL_GROUPS[name.toLowerCase()]!
    if (this.flags.fold) ranges = foldRanges(ranges)
    return { ranges: name === name.toUpperCase() ? complement(ranges) : ranges, next: i + 2 }
  }

  private parseClass(i: number): number {
    const src = this.src
    const whole = src.slice(i)
    let t = i + 1
    let negated = false
    if (src[t] === '^') {
      negated = true
      t++
    }
    const set: CharSet = { ranges: [], properties: [] }
    let first = true
    while (t >= src.length || src[t] !== ']' || first) {
      first = false
      if (src.startsWith('[:', t) && t + 2 < src.length) {
        const close = src.indexOf(':]', t + 2)
        if (close >= 0) {
          const spec = src.slice(t, close + 2)
          const name = spec.slice(2, -2)
          const groupName = name.startsWith('^') ? name.slice(1) : name
          const group = POSIX_GROUPS[groupName]
          if (!group) this.fail(ERR.invalidCharRange, spec)
          const ranges = this.flags.fold ? foldRanges(group) : group
          set.ranges.push(...(name.startsWith('^') ? complement(ranges) : ranges))
          t = close + 2
          continue
        }
      }
      const unicode = this.parseUnicodeClass(t)
      if (unicode) {
        set.ranges.push(...unicode.set.ranges)
        set.properties.push(...unicode.set.properties)
        t = unicode.next
        continue
      }
      const perl = this.parsePerlClass(t)
      if (perl) {
        set.ranges.push(...perl.ranges)
        t = perl.next
        continue
      }
      const rangeStart = t
      let lo: number
      ;[lo, t] = this.parseClassChar(t, whole)
      let hi = lo
      if (src[t] === '-' && t + 1 < src.length && src[t + 1] !== ']') {
        ;[hi, t] = this.parseClassChar(t + 1, whole)
        if (hi < lo) this.fail(ERR.invalidCharRange, src.slice(rangeStart, t))
      }
      set.ranges.push(...(this.flags.fold ? foldRanges([[lo, hi]]) : [[lo, hi] as Range]))
    }
    set.ranges = normalize(set.ranges)
    this.push({ op: 'class', set, negated })
    return t + 1
  }

  private parseClassChar(t: number, wholeClass: string): [number, number] {
    if (t >= this.src.length) this.fail(ERR.missingBracket, wholeClass)
    if (this.src[t] === '\\') return this.parseEscape(t)
    return this.rune(t)
  }
}

/** Go's check that nested counted repetitions stay within 1000 copies of their innermost part. */
function repeatIsValid(node: Node, n: number): boolean {
  if (node.op === 'repeat' && node.braces) {
    if (node.max === 0) return true
    const m = node.max === -1 ? node.min : node.max
    if (m > n) return false
    if (m > 0) n = Math.floor(n / m)
  }
  const subs = node.op === 'concat' || node.op === 'alternate' ? node.subs : 'sub' in node ? [node.sub] : []
  return subs.every((sub) => repeatIsValid(sub, n))
}

// --- writing the JavaScript regex ---

const escapeCodePoint = (cp: number): string =>
  (cp >= 0x30 && cp <= 0x39) || (cp >= 0x41 && cp <= 0x5a) || (cp >= 0x61 && cp <= 0x7a) ? String.fromCodePoint(cp) : `\\u{${cp.toString(16)}}`

function classSource(set: CharSet, negated: boolean): string {
  const ranges = set.ranges.map(([lo, hi]) => (lo === hi ? escapeCodePoint(lo) : `${escapeCodePoint(lo)}-${escapeCodePoint(hi)}`))
  return `[${negated ? '^' : ''}${ranges.join('')}${set.properties.join('')}]`
}

function toJavaScript(node: Node): string {
  switch (node.op) {
    case 'empty':
      return '(?:)'
    case 'literal': {
      const forms = node.fold ? caseOrbits().get(node.cp) : undefined
      return forms ? classSource({ ranges: normalize(forms.map((f) => [f, f])), properties: [] }, false) : escapeCodePoint(node.cp)
    }
    case 'class':
      return classSource(node.set, node.negated)
    case 'any':
      return node.dotNL ? '[^]' : '[^\\n]'
    case 'beginText':
      return '^'
    case 'endText':
      return '$'
    case 'beginLine':
      return '(?<![^\\n])'
    case 'endLine':
      return '(?![^\\n])'
    case 'wordBoundary':
      return '\\b'
    case 'noWordBoundary':
      return '\\B'
    case 'capture':
      return `(${toJavaScript(node.sub)})`
    case 'concat':
      return node.subs.map((s) => (s.op === 'alternate' ? `(?:${toJavaScript(s)})` : toJavaScript(s))).join('')
    case 'alternate':
      return node.subs.map(toJavaScript).join('|')
    case 'repeat': {
      const atomic = node.sub.op === 'literal' || node.sub.op === 'class' || node.sub.op === 'any' || node.sub.op === 'capture'
      const operand = atomic ? toJavaScript(node.sub) : `(?:${toJavaScript(node.sub)})`
      const { min, max } = node
      const quantifier =
        min === 0 && max === -1 ? '*'
          : min === 1 && max === -1 ? '+'
            : min === 0 && max === 1 ? '?'
              : max === -1 ? `{${min},}`
                : min === max ? `{${min}}`
                  : `{${min},${max}}`
      return operand + quantifier + (node.greedy ? '' : '?')
    }
  }
}

export interface CompiledRegex {
  regex: RegExp
  /** Names of the capture groups in order ('' for unnamed ones); group n is captureNames[n - 1]. */
  captureNames: string[]
}

/** Parses an RE2 pattern into a JavaScript RegExp (unanchored); throws RegexSyntaxError. */
export function compileRe2(pattern: string): CompiledRegex {
  const parser = new Re2Parser(pattern)
  const source = toJavaScript(parser.parse())
  return { regex: new RegExp(source, 'u'), captureNames: parser.captureNames }
}

/**
 * A label matcher's regex: anchored at both ends as Prometheus anchors it, refused when
 * either the anchored pattern or the pattern alone is not valid RE2 (Prometheus checks both,
 * so `a)|(b` fails although `^(?:a)|(b)$` would parse).
 */
export function compileAnchoredRegex(pattern: string): RegExp {
  const anchored = compileRe2(`^(?:${pattern})$`)
  new Re2Parser(pattern).parse()
  return anchored.regex
}
