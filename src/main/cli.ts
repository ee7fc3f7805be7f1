#!/usr/bin/env -S node --max-semi-space-size=8
// `vigil`: the client commands (client.ts) run at once; the server commands load Vigil's core
// (server-commands.ts) only when one of them runs, which keeps a `vigil servers list` quick.
//
// The shebang caps V8's young generation at two 8 MiB semi-spaces instead of 16: collection makes
// short-lived objects in a steady stream, which fills the default's 32 MiB within seconds of
// `vigil serve`'s start and keeps it resident. At 1,000 servers 8 MiB semi-spaces commit 16 MiB
// less (~12 MiB less RSS) for twice as many, shorter scavenges (bench/README.md,
// fleet.ts). Node reads the flag only on its command line (V8 sizes the heap before any script
// runs), hence here and in `npm run serve`; `node out/main/cli.js serve` runs with V8's default.
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
