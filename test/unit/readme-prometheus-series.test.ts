import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { prometheusSeriesMarkdown, readmeSection } from '../../scripts/prometheus-series-markdown'

describe('README Prometheus series table', () => {
  it('is the mapping the API answers with (regenerate: npx tsx scripts/prometheus-series-markdown.ts --write)', () => {
    expect(readmeSection(readFileSync('README.md', 'utf8'))).toBe(prometheusSeriesMarkdown())
  })
})
