// Reading what a person types, or what a script pipes. Secrets (passwords, tokens) come from
// stdin and never from argv, where `ps` and the shell history would show them.
import { createInterface } from 'node:readline'

/** Everything piped to stdin, without its final newline (echo adds one). */
export async function readAllStdin(): Promise<string> {
  const chunks: Buffer[] = []
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '')
}

/**
 * A password: typed at `prompt` without echo on a terminal, else read from stdin (piped by a
 * script). The prompt goes to `output`: stderr for commands whose stdout a script reads.
 */
export async function readPassword(prompt: string, output: NodeJS.WriteStream = process.stdout): Promise<string> {
  if (!process.stdin.isTTY) return readAllStdin()
  const input = createInterface({ input: process.stdin, output, terminal: true })
  // Echo nothing while the password is typed.
  const silenced = input as unknown as { _writeToOutput: (text: string) => void }
  output.write(prompt)
  silenced._writeToOutput = () => {}
  const password = await new Promise<string>((resolve) => input.question('', resolve))
  input.close()
  output.write('\n')
  return password
}

/** One line typed at a terminal, echoed as usual. */
export async function ask(prompt: string, output: NodeJS.WriteStream = process.stderr): Promise<string> {
  const input = createInterface({ input: process.stdin, output, terminal: true })
  const answer = await new Promise<string>((resolve) => input.question(prompt, resolve))
  input.close()
  return answer.trim()
}
