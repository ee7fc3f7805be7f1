#!/usr/bin/env node
// `vigil`: the client commands (client.ts) run at once; the server commands load Vigil's core
// (server-commands.ts) only when one of them runs, which keeps a `vigil servers list` quick.
import { isClientCommand, runClientCommand } from './cli/client'
import { messageOf } from './base/text'

async function main(argv: string[]): Promise<number> {
  const [first, ...rest] = argv
  if (first !== undefined && isClientCommand(first)) return runClientCommand(first, rest)
  const { runServerCommand } = await import('./cli/server-commands')
  // The built UI is found from the entry's own folder (this module may sit in a chunk elsewhere).
  return runServerCommand(argv, __dirname)
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`vigil: ${messageOf(error)}\n`)
    process.exit(1)
  }
)
