import { describe, expect, it } from 'vitest'
import { expandTemplate } from '../../../src/main/prometheus/promql/engine/label-functions'
import { compileRe2 } from '../../../src/main/prometheus/promql'
import { MINUTE, SECOND, matrixOver, sourceOf, vectorAt } from './helpers'

describe('label_replace templates (Go regexp.Expand)', () => {
  const { regex, captureNames } = compileRe2('^(?:(?P<host>[a-z]+)-(\\d+)(x)?)$')
  const expand = (template: string, value = 'web-42'): string => expandTemplate(template, regex.exec(value) as RegExpExecArray, captureNames)

  it('expands groups by number and by name, braced or not', () => {
    expect(expand('$1/$2')).toBe('web/42')
    expect(expand('${host}:${2}')).toBe('web:42')
    expect(expand('$host')).toBe('web')
    expect(expand('$0')).toBe('web-42')
  })

  it('takes the longest name after $, so $1x is the group "1x"', () => {
    expect(expand('$1x')).toBe('')
    expect(expand('${1}x')).toBe('webx')
    expect(expand('$2_suffix')).toBe('')
  })

  it('leaves out groups that are missing or did not match', () => {
    expect(expand('[$3][$9][$nope][$01]')).toBe('[][][][]')
  })

  it('writes $$ as $ and keeps a $ that starts no reference', () => {
    expect(expand('$$1 costs $')).toBe('$1 costs $')
    expect(expand('${host')).toBe('${host')
    expect(expand('$-')).toBe('$-')
  })
})

describe('label functions', () => {
  const source = sourceOf({ 'up{instance="web-1:80", job="web"}': '1', 'up{instance="db:5432", job="db"}': '0' })
  const at = (query: string) => vectorAt(source, query, 0)

  it('label_replace sets the label where the regex matches all of the source, and leaves the rest', async () => {
    expect(await at('label_replace(up, "host", "$1", "instance", "([^:]+):.*")')).toEqual([
      ['{__name__="up", host="db", instance="db:5432", job="db"}', 0],
      ['{__name__="up", host="web-1", instance="web-1:80", job="web"}', 1]
    ])
    expect(await at('label_replace(up, "host", "$1", "instance", "web")')).toEqual([
      ['{__name__="up", instance="db:5432", job="db"}', 0],
      ['{__name__="up", instance="web-1:80", job="web"}', 1]
    ])
    expect(await at('label_replace(up, "job", "", "job", "db")')).toEqual([
      ['{__name__="up", instance="db:5432"}', 0],
      ['{__name__="up", instance="web-1:80", job="web"}', 1]
    ])
  })

  it('label_join joins the sources, a missing one as empty', async () => {
    expect(await at('label_join(up, "both", "|", "job", "nope", "instance")')).toEqual([
      ['{__name__="up", both="db||db:5432", instance="db:5432", job="db"}', 0],
      ['{__name__="up", both="web||web-1:80", instance="web-1:80", job="web"}', 1]
    ])
  })
})

describe('absent', () => {
  const source = sourceOf({ 'up{job="web"}': '1' })
  it('answers 1 with the labels of the equality matchers when nothing matches', async () => {
    expect(await vectorAt(source, 'absent(nothing{job="x", env=~"p.*", zone="a"})', 0)).toEqual([['{job="x", zone="a"}', 1]])
    expect(await vectorAt(source, 'absent(nothing{job="x", job="y"})', 0)).toEqual([['{}', 1]])
    expect(await vectorAt(source, 'absent(up)', 0)).toEqual([])
    expect(await vectorAt(source, 'absent(sum(nothing{job="x"}))', 0)).toEqual([['{}', 1]])
  })

  it('absent_over_time answers at the steps where no series had a sample in its window', async () => {
    expect(await matrixOver(source, 'absent_over_time(up{job="web"}[1m])', [0, 3 * MINUTE, MINUTE])).toEqual([
      ['{job="web"}', [[120_000, 1], [180_000, 1]]]
    ])
  })
})

describe('scalars and time', () => {
  const source = sourceOf({ 'a{i="1"}': '7', 'a{i="2"}': '8' })
  it('scalar() is NaN unless the vector holds exactly one sample', async () => {
    expect(await matrixOver(source, 'scalar(a{i="1"})', [0, 15 * SECOND, 15 * SECOND])).toEqual([['{}', [[0, 7], [15_000, 7]]]])
    expect(await matrixOver(source, 'scalar(a)', [0, 0, 15 * SECOND])).toEqual([['{}', [[0, NaN]]]])
  })

  it('time(), vector() and the date functions read the step', async () => {
    expect(await matrixOver(source, 'vector(time())', [0, 30 * SECOND, 15 * SECOND])).toEqual([['{}', [[0, 0], [15_000, 15], [30_000, 30]]]])
    expect(await vectorAt(source, 'minute()', 125 * SECOND)).toEqual([['{}', 2]])
    expect(await vectorAt(source, 'year(vector(86400 * 366))', 0)).toEqual([['{}', 1971]])
  })
})

describe('orders', () => {
  const source = sourceOf({ 'm{k="a"}': '3', 'm{k="b"}': '1', 'm{k="c"}': '2' })
  it('instant queries keep the order of evaluation: selected series by labels, sort() by value', async () => {
    expect((await vectorAt(source, 'm', 0)).map(([labels]) => labels)).toEqual(['{__name__="m", k="a"}', '{__name__="m", k="b"}', '{__name__="m", k="c"}'])
    expect((await vectorAt(source, 'sort(m)', 0)).map(([, v]) => v)).toEqual([1, 2, 3])
    expect((await vectorAt(source, 'sort_desc(m)', 0)).map(([, v]) => v)).toEqual([3, 2, 1])
  })

  it('range queries sort their series by labels, so sort() changes nothing there', async () => {
    expect((await matrixOver(source, 'sort(m)', [0, 0, SECOND])).map(([labels]) => labels)).toEqual([
      '{__name__="m", k="a"}',
      '{__name__="m", k="b"}',
      '{__name__="m", k="c"}'
    ])
  })
})
