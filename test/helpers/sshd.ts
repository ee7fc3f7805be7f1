// A throwaway OpenSSH sshd on 127.0.0.1 for integration tests: its own host key, its own
// authorized keys, a random high port.
//
// Why root: sshd can only switch to another account after authentication, and only check a
// password against /etc/shadow, when it runs as root; creating the test account (useradd) and
// setting its password (chpasswd) need root too.
//
// What it changes on the machine: a local account `vigil-ssh-test` (home /home/vigil-ssh-test,
// shell /bin/sh) is created once; its password is random, set with chpasswd and kept in
// /run/vigil-ssh-test/password (root only). Every start within an hour of the previous one
// reuses that password, so test files running in parallel cannot change it under each other;
// after an idle hour the next run sets a fresh one. /run/sshd (sshd's privilege separation
// directory) is created when missing. Everything else lives in a temp dir removed by stop().
import { execFile, execFileSync, spawn, type ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { join } from 'node:path'
import { promisify } from 'node:util'
import type { ConnectionState, ConnectionStatus } from '../../src/main/base/ssh'
import { makeTempDir } from './temp-dir'

const run = promisify(execFile)

export const SSHD_BINARY = '/usr/sbin/sshd'
export const TEST_USER = 'vigil-ssh-test'
const STATE_DIR = '/run/vigil-ssh-test'
const READY_TIMEOUT_MS = 10_000

export interface Sshd {
  host: '127.0.0.1'
  port: number
  /** As `ssh-keygen -l` prints it. */
  hostKeyFingerprint: string
  hostKeyAlgorithm: string
  /** An unencrypted ed25519 key in authorized_keys. */
  clientKeyPath: string
  /** An ed25519 key encrypted with `passphrase`, also authorized. */
  passphraseKeyPath: string
  passphrase: string
  user: string
  password: string
  dir: string
  /** Kills sshd and every session it serves, as a crash would; restart() brings it back. */
  kill(): Promise<void>
  /** Freezes sshd and its sessions (SIGSTOP): the peer goes silent, its TCP connections stay up. */
  pause(): void
  /** Lets a paused sshd run again (SIGCONT). */
  resume(): void
  /** Starts sshd again on the same port with the same keys (killing it first if it runs). */
  restart(): Promise<void>
  /** Kills sshd and removes its files. */
  stop(): Promise<void>
  /** What sshd logged (for failure messages). */
  log(): string
}

/** The integration tests need root and OpenSSH's server. */
export function canRunSshd(): boolean {
  return process.getuid?.() === 0 && existsSync(SSHD_BINARY)
}

let testAccount: { user: string; password: string } | null = null

/** Creates the test account when missing and returns its password (see the file comment). */
function ensureTestAccount(): { user: string; password: string } {
  if (testAccount) return testAccount
  const script = [
    'set -eu',
    'user="$1"; dir="$2"; file="$dir/password"',
    'IFS= read -r candidate',
    'mkdir -p -m 700 "$dir"',
    'id -u "$user" >/dev/null 2>&1 || useradd --create-home --shell /bin/sh --comment "Vigil SSH integration tests" "$user"',
    'if [ -s "$file" ] && [ -n "$(find "$file" -mmin -60)" ]; then',
    '  touch "$file"',
    'else',
    '  printf "%s:%s\\n" "$user" "$candidate" | chpasswd',
    '  (umask 077; printf "%s" "$candidate" > "$file")',
    'fi',
    'cat "$file"'
  ].join('\n')
  // flock serialises parallel test files (the kernel wakes the waiter, no polling).
  const password = execFileSync('flock', [`${STATE_DIR}.lock`, 'sh', '-c', script, 'sh', TEST_USER, STATE_DIR], {
    input: randomBytes(18).toString('base64url') + '\n',
    encoding: 'utf8'
  })
  testAccount = { user: TEST_USER, password }
  return testAccount
}

async function generateKey(path: string, passphrase: string): Promise<void> {
  // -a 8: fewer KDF rounds than the default 16 keep decrypting the test key fast.
  await run('ssh-keygen', ['-q', '-t', 'ed25519', '-a', '8', '-N', passphrase, '-C', 'vigil-test', '-f', path])
}

async function fingerprintOfPublicKey(path: string): Promise<string> {
  const { stdout } = await run('ssh-keygen', ['-l', '-E', 'sha256', '-f', path])
  const fingerprint = stdout.split(/\s+/)[1]
  if (!fingerprint?.startsWith('SHA256:')) throw new Error(`Unexpected ssh-keygen -l output: ${stdout}`)
  return fingerprint
}

/** A loopback port nothing listens on (at the time of asking). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      const port = typeof address === 'object' && address ? address.port : 0
      server.close(() => resolve(port))
    })
  })
}

/** OpenSSH 9.8+ penalises sources that fail to log in; the auth-failure tests must not be. */
function supportsPerSourcePenalties(): boolean {
  const banner = (() => {
    try {
      return execFileSync(SSHD_BINARY, ['-V'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })
    } catch (err) {
      // `sshd -V` prints its version on stderr and exits 1 on older releases.
      return String((err as { stderr?: unknown }).stderr ?? '')
    }
  })()
  const match = /OpenSSH_(\d+)\.(\d+)/.exec(banner)
  if (!match) return false
  const major = Number(match[1])
  const minor = Number(match[2])
  return major > 9 || (major === 9 && minor >= 8)
}

function sshdConfig(dir: string, port: number, user: string, extra: string[]): string {
  const lines = [
    'ListenAddress 127.0.0.1',
    `Port ${port}`,
    `HostKey ${join(dir, 'ssh_host_ed25519_key')}`,
    `PidFile ${join(dir, 'sshd.pid')}`,
    `AuthorizedKeysFile ${join(dir, 'authorized_keys')}`,
    `AllowUsers ${user}`,
    'PubkeyAuthentication yes',
    'PasswordAuthentication yes',
    'KbdInteractiveAuthentication no',
    'UsePAM no',
    // The temp dir belongs to root, not to the test account.
    'StrictModes no',
    'PermitRootLogin no',
    'UseDNS no',
    'PrintMotd no',
    'LogLevel INFO'
  ]
  if (supportsPerSourcePenalties()) lines.push('PerSourcePenalties no')
  return [...lines, ...extra].join('\n') + '\n'
}

/** Every process below `root`, from /proc (session processes call setsid, so a process group would miss them). */
function descendantsOf(root: number): number[] {
  const children = new Map<number, number[]>()
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    let stat: string
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'utf8')
    } catch {
      continue // exited meanwhile
    }
    // Field 4 (ppid) follows the command name, which is in parentheses and may hold spaces.
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1])
    const list = children.get(ppid) ?? []
    list.push(Number(entry))
    children.set(ppid, list)
  }
  const found: number[] = []
  const pending = [root]
  while (pending.length > 0) {
    const pid = pending.pop() as number
    for (const child of children.get(pid) ?? []) {
      found.push(child)
      pending.push(child)
    }
  }
  return found
}

function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name)
  } catch {
    // Already gone.
  }
}

/** SIGSTOPs the tree until it stops growing (a stopped process cannot fork); returns its pids. */
function stopTree(root: number): Set<number> {
  const stopped = new Set<number>()
  for (let pass = 0; pass < 10; pass++) {
    const fresh = [root, ...descendantsOf(root)].filter((pid) => !stopped.has(pid))
    if (fresh.length === 0) break
    for (const pid of fresh) {
      signal(pid, 'SIGSTOP')
      stopped.add(pid)
    }
  }
  return stopped
}

function killTree(root: number): void {
  for (const pid of stopTree(root)) signal(pid, 'SIGKILL')
}

const liveDaemons = new Set<ChildProcess>()
// A crashed or interrupted test run must not leave sshd listening.
process.once('exit', () => {
  for (const child of liveDaemons) if (child.pid) killTree(child.pid)
})

/** Spawns sshd and resolves once it logs that it listens; rejects with its log if it exits first. */
function spawnSshd(configPath: string, appendLog: (text: string) => void): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(SSHD_BINARY, ['-D', '-e', '-f', configPath], { stdio: ['ignore', 'ignore', 'pipe'] })
    liveDaemons.add(child)
    let output = ''
    let ready = false
    const timer = setTimeout(() => {
      if (child.pid) killTree(child.pid)
      reject(new Error(`sshd did not report listening within ${READY_TIMEOUT_MS} ms:\n${output}`))
    }, READY_TIMEOUT_MS)
    child.stderr?.setEncoding('utf8')
    // Kept draining for sshd's whole life: a full pipe would block it.
    child.stderr?.on('data', (text: string) => {
      appendLog(text)
      if (ready) return
      output += text
      if (/Server listening on 127\.0\.0\.1 port \d+/.test(output)) {
        ready = true
        clearTimeout(timer)
        resolve(child)
      }
    })
    child.once('error', (err) => {
      clearTimeout(timer)
      reject(err)
    })
    child.once('exit', (code, sig) => {
      liveDaemons.delete(child)
      if (ready) return
      clearTimeout(timer)
      reject(Object.assign(new Error(`sshd exited (${code ?? sig}) before listening:\n${output}`), { sshdOutput: output }))
    })
  })
}

async function killDaemon(child: ChildProcess | null): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null || !child.pid) return
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  killTree(child.pid)
  await exited
}

export interface SshdOptions {
  /** Otherwise a free one is picked. */
  port?: number
  /** More sshd_config lines, e.g. `MaxSessions 1`. */
  extraConfig?: string[]
}

/** Starts a throwaway sshd. */
export async function startSshd(options: SshdOptions = {}): Promise<Sshd> {
  if (!canRunSshd()) {
    throw new Error(`The SSH tests start a throwaway sshd, which needs root and ${SSHD_BINARY} (bash scripts/install-test-deps.sh installs it)`)
  }
  const { user, password } = ensureTestAccount()
  // sshd's privilege separation directory; a fresh container may lack it.
  mkdirSync('/run/sshd', { recursive: true, mode: 0o755 })

  const temp = makeTempDir('vigil-sshd-')
  const dir = temp.dir
  const passphrase = randomBytes(9).toString('base64url')
  const hostKeyPath = join(dir, 'ssh_host_ed25519_key')
  const clientKeyPath = join(dir, 'client_ed25519')
  const passphraseKeyPath = join(dir, 'client_passphrase_ed25519')
  await Promise.all([generateKey(hostKeyPath, ''), generateKey(clientKeyPath, ''), generateKey(passphraseKeyPath, passphrase)])
  const hostKeyFingerprint = await fingerprintOfPublicKey(`${hostKeyPath}.pub`)
  const hostKeyAlgorithm = readFileSync(`${hostKeyPath}.pub`, 'utf8').split(' ')[0] ?? ''

  // sshd reads authorized_keys as the test account: it must reach it through the temp dir.
  chmodSync(dir, 0o711)
  const authorizedKeys = join(dir, 'authorized_keys')
  writeFileSync(authorizedKeys, readFileSync(`${clientKeyPath}.pub`, 'utf8') + readFileSync(`${passphraseKeyPath}.pub`, 'utf8'))
  chmodSync(authorizedKeys, 0o644)

  let log = ''
  const appendLog = (text: string): void => {
    log = (log + text).slice(-64 * 1024)
  }
  const configPath = join(dir, 'sshd_config')

  let port = options.port ?? 0
  let daemon: ChildProcess | null = null
  let paused = new Set<number>()
  // A free port found by the kernel can be taken by someone else before sshd binds it: try another.
  for (let tries = 1; daemon === null; tries++) {
    if (options.port === undefined) port = await freePort()
    writeFileSync(configPath, sshdConfig(dir, port, user, options.extraConfig ?? []))
    try {
      daemon = await spawnSshd(configPath, appendLog)
    } catch (err) {
      const inUse = /Address already in use|Cannot bind any address/.test(String((err as { sshdOutput?: unknown }).sshdOutput ?? ''))
      if (!inUse || options.port !== undefined || tries >= 5) {
        temp.remove()
        throw err
      }
    }
  }

  const sshd: Sshd = {
    host: '127.0.0.1',
    port,
    hostKeyFingerprint,
    hostKeyAlgorithm,
    clientKeyPath,
    passphraseKeyPath,
    passphrase,
    user,
    password,
    dir,
    kill: async () => {
      await killDaemon(daemon)
    },
    pause: () => {
      if (daemon?.pid) paused = stopTree(daemon.pid)
    },
    resume: () => {
      for (const pid of paused) signal(pid, 'SIGCONT')
      paused = new Set()
    },
    restart: async () => {
      await killDaemon(daemon)
      daemon = await spawnSshd(configPath, appendLog)
    },
    stop: async () => {
      await killDaemon(daemon)
      daemon = null
      temp.remove()
    },
    log: () => log
  }
  return sshd
}

interface StateSource {
  on(event: 'state', listener: (status: ConnectionStatus) => void): unknown
}

export interface StateRecorder {
  /** Every status seen, in order. */
  readonly history: ConnectionStatus[]
  states(): ConnectionState[]
  /**
   * The next status (after those already returned) whose state is one of `states`, waiting
   * for it if it has not come yet. Statuses skipped over are consumed.
   */
  next(states: ConnectionState | ConnectionState[], timeoutMs?: number): Promise<ConnectionStatus>
}

/** Records an SSH connection's 'state' events so tests await them instead of sleeping. */
export function recordStates(source: StateSource): StateRecorder {
  const history: ConnectionStatus[] = []
  let cursor = 0
  const listeners = new Set<() => void>()
  source.on('state', (status) => {
    history.push(status)
    for (const listener of [...listeners]) listener()
  })
  const take = (wanted: ConnectionState[]): ConnectionStatus | null => {
    while (cursor < history.length) {
      const status = history[cursor++] as ConnectionStatus
      if (wanted.includes(status.state)) return status
    }
    return null
  }
  return {
    history,
    states: () => history.map((s) => s.state),
    next: (states, timeoutMs = 10_000) => {
      const wanted = Array.isArray(states) ? states : [states]
      const found = take(wanted)
      if (found) return Promise.resolve(found)
      return new Promise<ConnectionStatus>((resolve, reject) => {
        const check = (): void => {
          const status = take(wanted)
          if (!status) return
          listeners.delete(check)
          clearTimeout(timer)
          resolve(status)
        }
        const timer = setTimeout(() => {
          listeners.delete(check)
          reject(new Error(`No '${wanted.join("' or '")}' state within ${timeoutMs} ms; states so far: ${history.map((s) => s.state).join(' → ')}`))
        }, timeoutMs)
        listeners.add(check)
      })
    }
  }
}
