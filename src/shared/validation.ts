import type { TSchema } from 'typebox'
import Value from 'typebox/value'
import { sentence, type ValidationIssue } from './issues'

export type Checked<T> = { ok: true; value: T } | { ok: false; issues: ValidationIssue[] }

/** The error objects typebox (and ajv) produce; only the parts we read. */
export interface SchemaError {
  keyword: string
  instancePath: string
  params: Record<string, unknown>
  message?: string
}

type SchemaNode = TSchema & Record<string, unknown>

export function check<T>(schema: TSchema, value: unknown): Checked<T> {
  if (Value.Check(schema, value)) return { ok: true, value: value as T }
  return { ok: false, issues: describeErrors(schema, [...Value.Errors(schema, value)] as SchemaError[]) }
}

/**
 * Turns schema errors into issues with messages that name the field and the rule, e.g.
 * "Invalid value for 'ssh_port': must be an integer from 1 to 65535". A property schema
 * may carry `errorMessage` to say it better than the generic rule text.
 */
export function describeErrors(schema: TSchema, errors: SchemaError[]): ValidationIssue[] {
  const issues: ValidationIssue[] = []
  const seen = new Set<string>()
  const add = (issue: ValidationIssue): void => {
    if (seen.has(issue.field)) return
    seen.add(issue.field)
    issues.push(issue)
  }
  for (const error of errors) {
    if (error.keyword === 'required') {
      const missing = (error.params.requiredProperties ?? [error.params.missingProperty]) as string[]
      for (const name of missing) {
        const field = joinPath(error.instancePath, name)
        add({ field, kind: 'required', message: `Missing required field: '${field}'`, rule: 'This field is required.' })
      }
    }
  }
  for (const error of errors) {
    if (error.keyword === 'additionalProperties') {
      const extra = (error.params.additionalProperties ?? [error.params.additionalProperty]) as string[]
      for (const name of extra) {
        const field = joinPath(error.instancePath, name)
        add({ field, kind: 'unknown_field', message: `Unknown field: '${field}'`, rule: 'Unknown field.' })
      }
    }
  }
  for (const error of errors) {
    if (error.keyword === 'required' || error.keyword === 'additionalProperties') continue
    if (error.keyword === 'boolean') continue // "schema is false": already reported as an unknown field
    const field = fieldName(error.instancePath)
    if (!field && errors.length > 1) continue
    const node = schemaAt(schema, error.instancePath)
    const rule = (node?.errorMessage as string | undefined) ?? describeRule(node, error)
    add({
      field,
      kind: 'invalid',
      message: field ? `Invalid value for '${field}': ${rule}` : `Invalid input: ${rule}`,
      rule: sentence(rule)
    })
  }
  return issues
}

function describeRule(node: SchemaNode | undefined, error: SchemaError): string {
  if (!node) return error.message ?? 'is not valid'
  if (Array.isArray(node.enum)) return `must be one of: ${node.enum.join(', ')}`
  const type = node.type
  if (type === 'integer' || type === 'number') {
    const noun = type === 'integer' ? 'an integer' : 'a number'
    const min = node.minimum as number | undefined
    const max = node.maximum as number | undefined
    if (min !== undefined && max !== undefined) return `must be ${noun} from ${min} to ${max}`
    if (min !== undefined) return `must be ${noun} of at least ${min}`
    if (max !== undefined) return `must be ${noun} of at most ${max}`
    return `must be ${noun}`
  }
  if (type === 'boolean') return 'must be true or false'
  if (type === 'string') {
    if (error.keyword === 'type') return 'must be a string'
    if (error.keyword === 'maxLength') return `must be at most ${node.maxLength as number} characters`
    if (error.keyword === 'minLength') {
      return node.minLength === 1 ? 'must not be empty' : `must be at least ${node.minLength as number} characters`
    }
    if (error.keyword === 'format') return `must be a valid ${String(node.format).replace(/-/g, ' ')}`
  }
  if (type === 'array') {
    if (error.keyword === 'type') return 'must be a list'
    if (error.keyword === 'minItems') return `must list at least ${node.minItems as number} item(s)`
    if (error.keyword === 'maxItems') return `must list at most ${node.maxItems as number} items`
  }
  if (type === 'object' && error.keyword === 'type') return 'must be a JSON object'
  return error.message ?? 'is not valid'
}

function fieldName(instancePath: string): string {
  return instancePath
    .split('/')
    .filter(Boolean)
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'))
    .join('.')
}

function joinPath(instancePath: string, name: string): string {
  const parent = fieldName(instancePath)
  return parent ? `${parent}.${name}` : name
}

function schemaAt(schema: TSchema, instancePath: string): SchemaNode | undefined {
  let node = schema as SchemaNode | undefined
  for (const part of instancePath.split('/').filter(Boolean)) {
    if (!node) return undefined
    node = unwrapNullable(node)
    if (node.type === 'array') node = node.items as SchemaNode | undefined
    else node = (node.properties as Record<string, SchemaNode> | undefined)?.[part]
  }
  return node && unwrapNullable(node)
}

/** `T | null` is described as T: null is never the part the user got wrong. */
function unwrapNullable(node: SchemaNode): SchemaNode {
  const branches = node.anyOf as SchemaNode[] | undefined
  if (!branches) return node
  const nonNull = branches.filter((branch) => branch.type !== 'null')
  return nonNull.length === 1 && nonNull[0] ? nonNull[0] : node
}
