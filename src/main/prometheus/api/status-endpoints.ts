// What Grafana asks besides queries: build information, rules, exemplars, metadata, and
// format_query — with 2.42's parameters and error texts. Each returns the answer's `data` as JSON.
import { children, parseExpr, prettyExpr, type Expr } from '../promql'
import { compareGoStrings } from '../series/label-sets'
import type { SeriesModel } from '../series/series-model'
import { badData, invalidParam, parseErrorAsBadData } from './errors'
import { goJson } from './json'
import { goQuote, parseExemplarBounds } from './params'
import type { RequestParams } from './request-params'

/** status/buildinfo's fields, in 2.42's order (and no `features` map, which 3.x added). */
export interface BuildInfo {
  version: string
  revision: string
  branch: string
  buildUser: string
  buildDate: string
  goVersion: string
}

/**
 * Vigil's build information. `version` is the Prometheus API version Vigil answers as, since
 * clients such as Grafana choose what to ask by it; the other fields say it is Vigil.
 */
export function vigilBuildInfo(vigilVersion: string): BuildInfo {
  return { version: '2.42.0', revision: `vigil-${vigilVersion}`, branch: 'vigil', buildUser: 'vigil', buildDate: '', goVersion: 'none (Vigil is TypeScript)' }
}

/** `# TYPE`, `# HELP` and unit as the metadata endpoint lists them. */
export interface MetadataEntry {
  type: string
  help: string
  unit: string
}

export class StatusEndpoints {
  constructor(
    private readonly model: SeriesModel,
    private readonly build: BuildInfo,
    /** The metadata scraped targets expose, by family name (none without a scraper). */
    private readonly scraped: () => ReadonlyMap<string, readonly MetadataEntry[]> = () => new Map()
  ) {}

  buildinfo(): string {
    return goJson({ ...this.build })
  }

  /** No rules until Vigil has alerting: only `type` is checked (from the URL, as 2.42 reads it). */
  rules(params: RequestParams): string {
    const type = params.urlValue('type').toLowerCase()
    if (type !== '' && type !== 'alert' && type !== 'record') throw invalidParam('type', new Error(`not supported value ${goQuote(type)}`))
    return '{"groups":[]}'
  }

  /** Vigil keeps no exemplars: `[]`, or nothing at all (HTTP 204) for a query without a selector, as 2.42. */
  queryExemplars(params: RequestParams): string | null {
    parseExemplarBounds({ start: params.value('start'), end: params.value('end') })
    let expr: Expr
    try {
      expr = parseExpr(params.value('query'))
    } catch (error) {
      return parseErrorAsBadData(error)
    }
    return hasSelector(expr) ? '[]' : null
  }

  formatQuery(params: RequestParams): string {
    try {
      return goJson(prettyExpr(parseExpr(params.value('query'))))
    } catch (error) {
      return parseErrorAsBadData(error, 'query')
    }
  }

  /** Metadata of Vigil's own metrics, by name; `metric` picks one, `limit` caps how many names. */
  metadata(params: RequestParams): string {
    const limitText = params.value('limit')
    if (limitText !== '' && !/^[+-]?\d+$/.test(limitText)) throw badData('limit must be a number')
    const limit = limitText === '' ? -1 : Number(limitText)
    if (!Number.isSafeInteger(limit)) throw badData('limit must be a number')
    const metric = params.value('metric')
    const entries = new Map<string, MetadataEntry[]>()
    for (const [name, doc] of this.model.metadata()) entries.set(name, [{ type: doc.type, help: doc.help, unit: doc.unit }])
    for (const [name, docs] of this.scraped()) if (!entries.has(name)) entries.set(name, docs.map(({ type, help, unit }) => ({ type, help, unit })))
    const members: string[] = []
    for (const name of [...entries.keys()].sort(compareGoStrings)) {
      if (limit >= 0 && members.length >= limit) break
      if (metric !== '' && name !== metric) continue
      members.push(`${goJson(name)}:${goJson((entries.get(name) ?? []).map((doc) => ({ ...doc })))}`)
    }
    return `{${members.join(',')}}`
  }
}

function hasSelector(expr: Expr): boolean {
  return expr.kind === 'VectorSelector' || children(expr).some(hasSelector)
}
