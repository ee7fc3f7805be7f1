// What every client command starts from: its arguments parsed (with the options all of them
// take), the CLI config, the server to talk to and the token, and how to print.
import { parseArgs, type ParseArgsConfig } from 'node:util'
import { ApiClient } from './api-client'
import { configFile, loadConfig, resolveTarget, type ClientConfig, type Target } from './client-config'
import { usageError } from './exit-codes'

/** Options every client command takes. */
const COMMON_OPTIONS = {
  url: { type: 'string' },
  ca: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' }
} as const satisfies ParseArgsConfig['options']

export type OptionSpecs = NonNullable<ParseArgsConfig['options']>
export type OptionValues = Record<string, string | boolean | (string | boolean)[] | undefined>

export interface ClientContext {
  /** The command's own options and its positionals (after the group and action words). */
  values: OptionValues
  positionals: string[]
  json: boolean
  configFile: string
  config: ClientConfig
  target: Target
  api: ApiClient
  out(text: string): void
  /** --json: the server's data as it came, indented. */
  printJson(data: unknown): void
}

/**
 * Parses `args` strictly (an unknown option is a usage error, exit 1, rather than ignored) and
 * builds the context. `help` names the command's usage, for the error line.
 */
export function commandContext(args: string[], options: OptionSpecs, help: string, env: NodeJS.ProcessEnv = process.env): ClientContext {
  let parsed: { values: OptionValues; positionals: string[] }
  try {
    parsed = parseArgs({ args, options: { ...COMMON_OPTIONS, ...options }, allowPositionals: true, strict: true })
  } catch (error) {
    // Node's message goes on to explain `--`; its first sentence says what is wrong.
    throw usageError(`${/^[^\n]*?\.(?=\s|$)/.exec((error as Error).message)?.[0] ?? (error as Error).message} (see ${help} --help)`)
  }
  const file = configFile(env)
  const config = loadConfig(file)
  const url = parsed.values.url
  const ca = parsed.values.ca
  const target = resolveTarget(config, { url: typeof url === 'string' ? url : undefined, ca: typeof ca === 'string' ? ca : undefined }, env, file)
  const out = (text: string): void => void process.stdout.write(text.endsWith('\n') || text === '' ? text : `${text}\n`)
  return {
    values: parsed.values,
    positionals: parsed.positionals,
    json: parsed.values.json === true,
    configFile: file,
    config,
    target,
    api: new ApiClient(target),
    out,
    printJson: (data) => out(JSON.stringify(data, null, 2))
  }
}

/** A string option's value, or undefined. */
export function stringOption(values: OptionValues, name: string): string | undefined {
  const value = values[name]
  return typeof value === 'string' ? value : undefined
}

/** A whole-number option within bounds, or undefined when not given. */
export function integerOption(values: OptionValues, name: string, min: number, max: number): number | undefined {
  const text = stringOption(values, name)
  if (text === undefined) return undefined
  const value = Number(text)
  if (!/^-?\d+$/.test(text.trim()) || !Number.isSafeInteger(value) || value < min || value > max) throw usageError(`--${name} must be a whole number from ${min} to ${max}, not '${text}'`)
  return value
}
