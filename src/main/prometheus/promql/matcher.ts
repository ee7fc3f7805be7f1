// Label matchers: `name="value"`, `!=`, and the anchored RE2 regex matchers `=~` and `!~`.

import { goQuote } from './go-format'
import { compileAnchoredRegex } from './regex'

export type MatchType = '=' | '!=' | '=~' | '!~'

export class LabelMatcher {
  private readonly regex: RegExp | null

  /** Throws a RegexSyntaxError when a regex matcher's value is not a valid RE2 expression. */
  constructor(
    readonly type: MatchType,
    readonly name: string,
    readonly value: string
  ) {
    this.regex = type === '=~' || type === '!~' ? compileAnchoredRegex(value) : null
  }

  /** Whether a label value (the empty string for a missing label) satisfies the matcher. */
  matches(labelValue: string): boolean {
    switch (this.type) {
      case '=':
        return labelValue === this.value
      case '!=':
        return labelValue !== this.value
      case '=~':
        return this.regex!.test(labelValue)
      case '!~':
        return !this.regex!.test(labelValue)
    }
  }

  /** As Prometheus prints it: name, operator, Go-quoted value. */
  toString(): string {
    return `${this.name}${this.type}${goQuote(this.value)}`
  }
}
