// A throwaway PostgreSQL cluster on 127.0.0.1 for integration tests: initdb and pg_ctl of the
// major VIGIL_TEST_PG_MAJOR names (see findPostgresBinDir; Debian's newest when unset), a fresh
// data directory in a temp dir, a random port, pg_stat_statements preloaded.
//
//   startPostgres(options?: PostgresOptions): Promise<Postgres>
//   flushStats(client, serverVersionNum): Promise<void>  a session's statistics, visible to the others
//   statsCollectorCaughtUp(serverVersionNum)           13/14: waits until reported statistics show
//   findPostgresBinDir(): string                       VIGIL_TEST_PG_MAJOR's server binaries, else the newest
//                                                      Debian ones, or a clear error
//
//   Postgres
//     host '127.0.0.1', port, superuser, password, dataDir, socketDir, serverVersionNum, ctl
//     connectionConfig(database = 'postgres'): ClientConfig         the superuser over TCP
//     query<R>(sql, params?, database = 'postgres'): Promise<QueryResult<R>>   one short-lived client
//     createRole(name, password, grants = []): Promise<RoleCredentials>        LOGIN role + memberships
//     createDatabase(name, owner?): Promise<void>
//     restart(): Promise<void>          fast shutdown, start again on the same port; data is kept
//     startStandby(): Promise<Standby>  a streaming standby of this cluster (made from a copy of its
//                                       data dir taken while it is briefly shut down)
//     stop(): Promise<void>             fast shutdown (immediate if that fails), temp dir removed; idempotent
//     log(): string                     the server log so far, for failure messages
//
// Authentication is as on a real server: trust on the unix socket (inside the temp dir),
// scram-sha-256 over TCP, so a wrong password really fails. pg_stat_statements is preloaded
// and its extension created in the `postgres` database only (createDatabase copies template1,
// which does not have it, as on a fresh production server).
//
// Why another OS user: initdb and postgres refuse to run as root. When the tests run as root,
// the temp dir is chowned to the `postgres` system account (Debian's packages create it) and
// every initdb/pg_ctl runs as that account through `runuser -u postgres --` (su when runuser is
// missing). Otherwise they run as the current user. `ctl` tells a test how to do the same from
// a shell. `osUser` picks another account under root: e.g. the SSH test account (sshd.ts), so a
// login as that account can drive the cluster with pg_ctl, as an administrator would on a server.
//
// What it leaves behind: nothing. stop() removes the temp dir after the postmaster is gone, and
// a process 'exit' handler stops (immediate mode) any cluster a crashed test did not stop.
import { execFile, execFileSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { accessSync, chmodSync, chownSync, constants, existsSync, readdirSync, readFileSync, statSync, unlinkSync, writeFileSync } from 'node:fs'
import { userInfo } from 'node:os'
import { delimiter, dirname, join, resolve } from 'node:path'
import { promisify } from 'node:util'
import { Client, escapeIdentifier, escapeLiteral, type ClientConfig, type QueryResult, type QueryResultRow } from 'pg'
import { freePort } from './sshd'
import { makeTempDir } from './temp-dir'

const run = promisify(execFile)

const PG_LIB = '/usr/lib/postgresql'
const START_TIMEOUT_S = 30
const STOP_TIMEOUT_S = 30
const LOG_TAIL_LINES = 30
const PORT_TRIES = 5
export const DEFAULT_SUPERUSER = 'vigil_admin'
const CONFIG_FILE = 'vigil-test.conf'

export interface PostgresOptions {
  /** Otherwise a free one is picked (and another one tried if it is taken before the server binds it). */
  port?: number
  /** Name of the bootstrap superuser; `vigil_admin` by default. */
  superuser?: string
  /** More postgresql.conf lines, e.g. `log_min_duration_statement = 0`; they win over the defaults. */
  extraConfig?: string[]
  /**
   * The OS account that owns the cluster and runs initdb/pg_ctl, e.g. 'vigil-ssh-test' (it must
   * exist: startSshd() creates that one). Under root, any account but root; otherwise only the
   * current user. Default: `postgres` under root, else the current user.
   */
  osUser?: string
}

/** How to drive the cluster with pg_ctl from outside this process, e.g. from a shell. */
export interface PgCtlInfo {
  /** Absolute path of the pg_ctl matching the server's major version. */
  pgCtl: string
  dataDir: string
  /** The OS account that owns the data dir and must run pg_ctl: `postgres` under root (or the osUser asked for), else the current user. */
  osUser: string
  /** Goes before pg_ctl's argv to run it as osUser from this process; [] when this process already is osUser. */
  runAsPrefix: string[]
  /**
   * Pass it to `pg_ctl start|restart` as `-l`: without a log file the postmaster inherits the
   * caller's stdout/stderr, so whoever reads them (execFile, an SSH exec channel) never sees EOF.
   */
  logFile: string
  /** Full argv for `pg_ctl <args> -D <dataDir>` as osUser, e.g. argv(['restart', '-m', 'fast', '-w', '-l', logFile]). */
  argv(args: string[]): string[]
  /** The same as one shell-quoted command line. */
  shellCommand(args: string[]): string
}

export interface RoleCredentials {
  user: string
  password: string
  /** A `pg` client config logging in as this role over TCP. */
  connectionConfig(database?: string): ClientConfig
}

export interface Postgres {
  host: '127.0.0.1'
  port: number
  superuser: string
  password: string
  dataDir: string
  /** unix_socket_directories; local connections there are trusted. */
  socketDir: string
  /** As `SHOW server_version_num` answers, e.g. 150018. */
  serverVersionNum: number
  ctl: PgCtlInfo
  connectionConfig(database?: string): ClientConfig
  /** Runs one statement on a client of its own (connected, then ended). */
  query<R extends QueryResultRow = any>(sql: string, params?: unknown[], database?: string): Promise<QueryResult<R>>
  /** A LOGIN role with `password`, made a member of each of `grants` (roles such as pg_monitor). */
  createRole(name: string, password: string, grants?: string[]): Promise<RoleCredentials>
  createDatabase(name: string, owner?: string): Promise<void>
  /** Fast shutdown (open sessions are terminated) and a start on the same port; data is kept. */
  restart(): Promise<void>
  /**
   * A hot standby streaming from this cluster, on a port of its own: the data dir is copied while
   * this cluster is shut down (sessions are terminated, as by restart()), which every major
   * takes as a base backup; standby.signal and primary_conninfo (the superuser, over TCP) make it
   * follow. Resolves once the standby accepts connections (it may not stream yet).
   */
  startStandby(): Promise<Standby>
  /** Fast shutdown, immediate if that fails, then removes the temp dir. Idempotent. */
  stop(): Promise<void>
  /** The server log so far. */
  log(): string
}

export interface Standby {
  port: number
  /** The superuser (the primary's, replicated) over TCP to the standby. */
  connectionConfig(database?: string): ClientConfig
  /** Immediate shutdown, temp dir removed. Idempotent. */
  stop(): Promise<void>
  log(): string
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK)
    return statSync(path).isFile()
  } catch {
    return false
  }
}

/** `name` on PATH or in the sbin directories a non-login root PATH may lack. */
function findProgram(name: string): string | null {
  const dirs = [...(process.env.PATH ?? '').split(delimiter), '/usr/sbin', '/sbin', '/usr/bin', '/bin']
  for (const dir of dirs) {
    if (dir && isExecutable(join(dir, name))) return join(dir, name)
  }
  return null
}

/** The npm packages of the version matrix: scripts/install-test-postgres.sh installs them. */
const MATRIX_MODULES = resolve(import.meta.dirname, '../postgres-versions/node_modules')

/** Where the installed pg13…pg18 are: the install step's note, else the package folder itself. */
function matrixDir(): string {
  // A copy outside the checkout when the postgres account cannot reach it (install-test-postgres.sh).
  return readOr(join(MATRIX_MODULES, '.vigil-servers'), '').trim() || MATRIX_MODULES
}
/** Names the major the clusters run, e.g. `VIGIL_TEST_PG_MAJOR=17`; scripts/test-all.sh sets it per run of the matrix. */
export const PG_MAJOR_ENV = 'VIGIL_TEST_PG_MAJOR'

/**
 * Where initdb, pg_ctl and postgres come from. With VIGIL_TEST_PG_MAJOR set: that major's
 * package of the matrix, else Debian's /usr/lib/postgresql/<major>/bin, else a clear error
 * (never another major: a run labelled 17 must test 17). Unset: the newest Debian major, else
 * the directory of an initdb on PATH.
 */
export function findPostgresBinDir(): string {
  const wanted = process.env[PG_MAJOR_ENV]?.trim()
  if (wanted) return majorBinDir(wanted)
  const majors = existsSync(PG_LIB) ? readdirSync(PG_LIB).filter((name) => /^\d+(\.\d+)?$/.test(name)) : []
  // Numerically: "9.6" < "10" < "15".
  majors.sort((a, b) => Number(b) - Number(a))
  for (const major of majors) {
    const bin = join(PG_LIB, major, 'bin')
    if (isExecutable(join(bin, 'initdb'))) return bin
  }
  const onPath = findProgram('initdb')
  if (onPath) return dirname(onPath)
  throw new Error(
    `PostgreSQL server binaries are missing: no initdb in ${PG_LIB}/*/bin or on PATH. ` +
      'The PostgreSQL integration tests start a throwaway cluster with them; bash scripts/install-test-deps.sh installs them.'
  )
}

function majorBinDir(major: string): string {
  if (!/^\d+$/.test(major)) throw new Error(`${PG_MAJOR_ENV} must be a major version such as 17, not '${major}'`)
  const candidates = [join(matrixDir(), `pg${major}`, 'native', 'bin'), join(PG_LIB, major, 'bin')]
  const found = candidates.find((bin) => isExecutable(join(bin, 'initdb')))
  if (found) return found
  throw new Error(
    `${PG_MAJOR_ENV}=${major}, but no initdb in ${candidates.join(' or ')}. ` +
      'bash scripts/install-test-postgres.sh installs majors 13 to 18.'
  )
}

/** Before 15, how often at most a session sends its statistics (PGSTAT_STAT_INTERVAL). */
const STATS_REPORT_INTERVAL_MS = 500
/** Before 15: a message to the collector, plus the 500 ms a reader's stats file may lag behind it. */
const STATS_COLLECTOR_DELAY_MS = 1500

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/**
 * Makes the statistics `client`'s session has gathered visible to other sessions. 15+ keeps them
 * in shared memory and flushes on demand (pg_stat_force_next_flush). 13 and 14 send them to the
 * statistics collector when a statement ends outside a transaction, but at most every 500 ms and
 * never later by themselves: so this waits that long, runs one more statement, and waits for
 * the collector (statsCollectorCaughtUp).
 */
export async function flushStats(client: Pick<Client, 'query'>, serverVersionNum: number): Promise<void> {
  if (serverVersionNum >= 150000) {
    await client.query('SELECT pg_stat_force_next_flush()')
    return
  }
  await sleep(STATS_REPORT_INTERVAL_MS + 100)
  await client.query('SELECT 1')
  await statsCollectorCaughtUp(serverVersionNum)
}

/**
 * 13 and 14 only: waits until what was sent to the statistics collector (an ANALYZE's counts,
 * a session's flushStats) shows in the statistics views, which read the collector's file as it
 * was up to 500 ms before. 15+ shows them at once: no wait.
 */
export async function statsCollectorCaughtUp(serverVersionNum: number): Promise<void> {
  if (serverVersionNum < 150000) await sleep(STATS_COLLECTOR_DELAY_MS)
}

interface OsAccount {
  user: string
  uid: number
  gid: number
  /** argv prefix that runs a program as this account. */
  prefix: string[]
}

/** Who runs initdb/pg_ctl: see the file comment. */
function clusterAccount(osUser?: string): OsAccount {
  if (process.getuid?.() !== 0) {
    const me = userInfo()
    if (osUser !== undefined && osUser !== me.username) {
      throw new Error(`A cluster owned by '${osUser}' needs the tests to run as root (they run as '${me.username}')`)
    }
    return { user: me.username, uid: me.uid, gid: me.gid, prefix: [] }
  }
  if (osUser === 'root') throw new Error('initdb and postgres refuse to run as root: pick another osUser')
  const user = osUser ?? 'postgres'
  let uid: number
  let gid: number
  try {
    uid = Number(execFileSync('id', ['-u', user], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim())
    gid = Number(execFileSync('id', ['-g', user], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim())
  } catch {
    throw new Error(
      osUser !== undefined
        ? `There is no '${user}' account to run PostgreSQL as (create it first, e.g. with startSshd() for the SSH test account).`
        : `The tests run as root, which initdb refuses, and there is no '${user}' account to run PostgreSQL as ` +
            '(the postgresql package creates it; bash scripts/install-test-deps.sh installs it).'
    )
  }
  const runuser = findProgram('runuser')
  if (runuser) return { user, uid, gid, prefix: [runuser, '-u', user, '--'] }
  const su = findProgram('su')
  // `--` ends su's options, so pg_ctl's own (-D, -m) are not taken for su's; "$0" "$@" keeps argv as given.
  if (su) return { user, uid, gid, prefix: [su, '-s', '/bin/sh', '-c', 'exec "$0" "$@"', '--', user] }
  throw new Error(`The tests run as root and need runuser or su to run PostgreSQL as '${user}'; neither was found.`)
}

/** Our environment without PG* variables, which would point the tools at another server. */
function childEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { LC_ALL: 'C' }
  for (const [key, value] of Object.entries(process.env)) {
    if (!key.startsWith('PG') && key !== 'LC_ALL') env[key] = value
  }
  return env
}

function shellQuote(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replaceAll("'", `'\\''`)}'`
}

function confString(value: string): string {
  return `'${value.replaceAll("'", "''")}'`
}

function settings(port: number, socketDir: string, extra: string[]): string {
  const lines = [
    "listen_addresses = '127.0.0.1'",
    `port = ${port}`,
    `unix_socket_directories = ${confString(socketDir)}`,
    "shared_preload_libraries = 'pg_stat_statements'",
    // A benchmark opens 200 idle backends next to the tests' own connections.
    'max_connections = 300',
    // PostgreSQL 13 still hashes new passwords with md5, which scram-sha-256 in pg_hba cannot check.
    "password_encryption = 'scram-sha-256'",
    // Durability buys nothing for a cluster that lives as long as one test file.
    'fsync = off',
    'synchronous_commit = off',
    'full_page_writes = off',
    // pg_ctl -l collects stderr into a file a failed start can quote.
    "log_destination = 'stderr'",
    'logging_collector = off'
  ]
  return [...lines, ...extra].join('\n') + '\n'
}

function tail(text: string, lines = LOG_TAIL_LINES): string {
  return text.trimEnd().split('\n').slice(-lines).join('\n')
}

function readOr(path: string, fallback: string): string {
  try {
    return readFileSync(path, 'utf8')
  } catch {
    return fallback
  }
}

function commandOutput(err: unknown): string {
  const { stdout, stderr, message } = err as { stdout?: string; stderr?: string; message?: string }
  return [stdout, stderr].filter(Boolean).join('').trim() || String(message ?? err)
}

/** The postmaster's pid from postmaster.pid, if that file is there and names a live postmaster of this data dir. */
function livePostmasterPid(dataDir: string): number | null {
  const pid = Number(readOr(join(dataDir, 'postmaster.pid'), '').split('\n')[0])
  if (!Number.isInteger(pid) || pid <= 0) return null
  // A stale pid file may name a pid reused by an unrelated process: check its command line.
  const cmdline = readOr(`/proc/${pid}/cmdline`, '')
  return cmdline.includes(dataDir) ? pid : null
}

/** Last resort when pg_ctl cannot stop it: backends notice their postmaster's death and exit. */
function killPostmaster(dataDir: string): void {
  const pid = livePostmasterPid(dataDir)
  if (pid === null) return
  try {
    process.kill(pid, 'SIGKILL')
  } catch {
    // Already gone.
  }
}

// dataDir → synchronous "stop it now and remove its files", for the 'exit' handler.
const liveClusters = new Map<string, () => void>()
// A crashed or interrupted test run must not leave a postmaster listening. Only synchronous work runs in 'exit'.
process.once('exit', () => {
  for (const kill of liveClusters.values()) kill()
})

/** Starts a throwaway PostgreSQL cluster (see the file comment). */
export async function startPostgres(options: PostgresOptions = {}): Promise<Postgres> {
  const binDir = findPostgresBinDir()
  const account = clusterAccount(options.osUser)
  const pgCtl = join(binDir, 'pg_ctl')
  const superuser = options.superuser ?? DEFAULT_SUPERUSER
  const password = randomBytes(18).toString('base64url')

  const temp = makeTempDir('vigil-pg-')
  const dir = temp.dir
  const dataDir = join(dir, 'data')
  const logFile = join(dir, 'postgres.log')
  // The account writes the data dir and log here; 0711 lets other users reach the socket by name.
  chownSync(dir, account.uid, account.gid)
  chmodSync(dir, 0o711)

  /** argv running `program` as the account: the program itself when no prefix is needed. */
  const withAccount = (program: string, args: string[]): [string, ...string[]] => {
    const [first, ...rest] = account.prefix
    return first === undefined ? [program, ...args] : [first, ...rest, program, ...args]
  }
  /** Runs a PostgreSQL program as the account, from the temp dir (its own cwd may be unreadable to it). */
  const runPg = async (program: string, args: string[]): Promise<string> => {
    const [file, ...rest] = withAccount(program, args)
    const { stdout, stderr } = await run(file, rest, { cwd: dir, env: childEnv(), encoding: 'utf8' })
    return stdout + stderr
  }
  const pgCtlSync = (args: string[]): void => {
    const [file, ...rest] = withAccount(pgCtl, [...args, '-D', dataDir])
    execFileSync(file, rest, { cwd: dir, env: childEnv(), stdio: 'ignore', timeout: STOP_TIMEOUT_S * 1000 })
  }
  const killNow = (): void => {
    if (livePostmasterPid(dataDir) !== null) {
      try {
        pgCtlSync(['stop', '-m', 'immediate', '-w', '-t', '10'])
      } catch {
        killPostmaster(dataDir)
      }
    }
    temp.remove()
  }
  liveClusters.set(dataDir, killNow)

  let port = options.port ?? 0

  /** pg_ctl start -w returns once the postmaster reports "ready" (it accepts connections); errors quote the log. */
  const startServer = async (): Promise<void> => {
    const logStart = readOr(logFile, '').length
    try {
      await runPg(pgCtl, ['start', '-w', '-t', String(START_TIMEOUT_S), '-D', dataDir, '-l', logFile])
    } catch (err) {
      // A start that timed out may leave a postmaster behind that is still starting.
      if (livePostmasterPid(dataDir) !== null) {
        await runPg(pgCtl, ['stop', '-m', 'immediate', '-w', '-D', dataDir]).catch(() => killPostmaster(dataDir))
      }
      const attemptLog = readOr(logFile, '').slice(logStart)
      throw Object.assign(
        new Error(`PostgreSQL did not start on 127.0.0.1:${port} (data dir ${dataDir}):\n${commandOutput(err)}\nLast lines of ${logFile}:\n${tail(attemptLog)}`),
        { attemptLog }
      )
    }
  }

  /** Fast shutdown; immediate if that does not finish; SIGKILL if pg_ctl itself fails. */
  const stopServer = async (): Promise<void> => {
    if (livePostmasterPid(dataDir) === null) return
    try {
      await runPg(pgCtl, ['stop', '-m', 'fast', '-w', '-t', String(STOP_TIMEOUT_S), '-D', dataDir])
      return
    } catch {
      // Fall through to the harder ways.
    }
    try {
      await runPg(pgCtl, ['stop', '-m', 'immediate', '-w', '-t', '10', '-D', dataDir])
    } catch {
      killPostmaster(dataDir)
    }
  }

  // `port` is read at call time: it is settled once the server has started.
  function superuserConfig(database: string): ClientConfig {
    return { host: '127.0.0.1', port, user: superuser, password, database, connectionTimeoutMillis: 10_000 }
  }

  let serverVersionNum: number
  try {
    const pwfile = join(dir, 'pwfile')
    writeFileSync(pwfile, password + '\n', { mode: 0o600 })
    chownSync(pwfile, account.uid, account.gid)
    await runPg(join(binDir, 'initdb'), [
      '-D',
      dataDir,
      '-U',
      superuser,
      `--pwfile=${pwfile}`,
      '--auth-local=trust',
      '--auth-host=scram-sha-256',
      '-E',
      'UTF8',
      '--locale=C',
      // Skips initdb's fsync of every file: most of its run time, and worthless here.
      '--no-sync'
    ]).catch((err: unknown) => {
      throw new Error(`initdb failed (as ${account.user}, in ${dataDir}):\n${commandOutput(err)}`)
    })
    unlinkSync(pwfile)

    // Our settings live in a file of their own, included last, so they win over initdb's.
    writeFileSync(join(dataDir, 'postgresql.conf'), readFileSync(join(dataDir, 'postgresql.conf'), 'utf8') + `\ninclude '${CONFIG_FILE}'\n`)
    const configPath = join(dataDir, CONFIG_FILE)
    // A free port found by the kernel can be taken by someone else before the server binds it: try another.
    for (let tries = 1; ; tries++) {
      if (options.port === undefined) port = await freePort()
      writeFileSync(configPath, settings(port, dir, options.extraConfig ?? []))
      chownSync(configPath, account.uid, account.gid)
      try {
        await startServer()
        break
      } catch (err) {
        const inUse = /Address already in use/.test(String((err as { attemptLog?: unknown }).attemptLog ?? ''))
        if (!inUse || options.port !== undefined || tries >= PORT_TRIES) throw err
      }
    }

    const client = new Client(superuserConfig('postgres'))
    await client.connect()
    try {
      await client.query('CREATE EXTENSION IF NOT EXISTS pg_stat_statements')
      const { rows } = await client.query<{ server_version_num: string }>('SHOW server_version_num')
      serverVersionNum = Number(rows[0]?.server_version_num)
    } finally {
      await client.end()
    }
  } catch (err) {
    liveClusters.delete(dataDir)
    killNow()
    throw err
  }

  const query = async <R extends QueryResultRow = any>(sql: string, params: unknown[] = [], database = 'postgres'): Promise<QueryResult<R>> => {
    const client = new Client(superuserConfig(database))
    await client.connect()
    try {
      return await client.query<R>(sql, params)
    } finally {
      await client.end()
    }
  }

  const argv = (args: string[]): string[] => withAccount(pgCtl, [...args, '-D', dataDir])
  let stopping: Promise<void> | null = null

  return {
    host: '127.0.0.1',
    port,
    superuser,
    password,
    dataDir,
    socketDir: dir,
    serverVersionNum,
    ctl: {
      pgCtl,
      dataDir,
      osUser: account.user,
      runAsPrefix: account.prefix,
      logFile,
      argv,
      shellCommand: (args) => argv(args).map(shellQuote).join(' ')
    },
    connectionConfig: (database = 'postgres') => superuserConfig(database),
    query,
    createRole: async (name, rolePassword, grants = []) => {
      // Utility statements take no bind parameters: quote instead.
      await query(`CREATE ROLE ${escapeIdentifier(name)} LOGIN PASSWORD ${escapeLiteral(rolePassword)}`)
      if (grants.length > 0) await query(`GRANT ${grants.map(escapeIdentifier).join(', ')} TO ${escapeIdentifier(name)}`)
      return {
        user: name,
        password: rolePassword,
        connectionConfig: (database = 'postgres') => ({ ...superuserConfig(database), user: name, password: rolePassword })
      }
    },
    createDatabase: async (name, owner) => {
      await query(`CREATE DATABASE ${escapeIdentifier(name)}${owner ? ` OWNER ${escapeIdentifier(owner)}` : ''}`)
    },
    restart: async () => {
      if (stopping) throw new Error('This PostgreSQL cluster was stopped; start a new one.')
      await stopServer()
      await startServer()
    },
    startStandby: async () => {
      const copy = makeTempDir('vigil-pg-standby-')
      chownSync(copy.dir, account.uid, account.gid)
      chmodSync(copy.dir, 0o711)
      const standbyData = join(copy.dir, 'data')
      const standbyLog = join(copy.dir, 'postgres.log')
      const stopStandby = (): void => {
        if (livePostmasterPid(standbyData) !== null) {
          const [file, ...rest] = withAccount(pgCtl, ['stop', '-m', 'immediate', '-w', '-t', '10', '-D', standbyData])
          try {
            execFileSync(file, rest, { cwd: copy.dir, env: childEnv(), stdio: 'ignore' })
          } catch {
            killPostmaster(standbyData)
          }
        }
        copy.remove()
      }
      liveClusters.set(standbyData, stopStandby)
      let standbyPort = 0
      try {
        await stopServer()
        try {
          await runPg('cp', ['-a', dataDir, standbyData])
        } finally {
          await startServer()
        }
        standbyPort = await freePort()
        const follow = `primary_conninfo = ${confString(`host=127.0.0.1 port=${port} user=${superuser} password=${password} application_name=vigil_standby`)}`
        for (const [file, text] of [
          [CONFIG_FILE, settings(standbyPort, copy.dir, [...(options.extraConfig ?? []), follow])],
          ['standby.signal', '']
        ] as const) {
          writeFileSync(join(standbyData, file), text, { mode: 0o600 })
          chownSync(join(standbyData, file), account.uid, account.gid)
        }
        await runPg(pgCtl, ['start', '-w', '-t', String(START_TIMEOUT_S), '-D', standbyData, '-l', standbyLog]).catch((err: unknown) => {
          throw new Error(`The standby did not start:\n${commandOutput(err)}\nLast lines of its log:\n${tail(readOr(standbyLog, ''))}`)
        })
      } catch (err) {
        liveClusters.delete(standbyData)
        stopStandby()
        throw err
      }
      let stopped = false
      return {
        port: standbyPort,
        connectionConfig: (database = 'postgres') => ({ ...superuserConfig(database), port: standbyPort }),
        stop: async () => {
          if (stopped) return
          stopped = true
          liveClusters.delete(standbyData)
          stopStandby()
        },
        log: () => readOr(standbyLog, '')
      }
    },
    stop: () => {
      stopping ??= (async () => {
        await stopServer()
        liveClusters.delete(dataDir)
        temp.remove()
      })()
      return stopping
    },
    log: () => readOr(logFile, '')
  }
}
