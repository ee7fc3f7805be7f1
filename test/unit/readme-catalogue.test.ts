import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { catalogueMarkdown, readmeSection } from '../../scripts/catalogue-markdown'

describe('README field catalogue', () => {
  it('is the catalogue the parsers follow (regenerate: npx tsx scripts/catalogue-markdown.ts --write)', () => {
    expect(readmeSection(readFileSync('README.md', 'utf8'))).toBe(catalogueMarkdown())
  })
})
