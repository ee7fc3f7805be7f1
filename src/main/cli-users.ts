// `vigil users add|passwd|remove|list`: manages Vigil's users in the data dir's SQLite file,
// also while `vigil serve` runs (SQLite's WAL lets both write). Passwords are read from stdin —
// typed at a prompt without echo on a terminal, or piped by a script — never from argv, where
// `ps` would show them.
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { DB_FILE } from './app'
import { openDb } from './base/db/db'
import { readPassword } from './cli/prompt'
import { createUsersFeature } from './users'

export const USERS_HELP = `  vigil users add NAME | passwd NAME | remove NAME | list [--data-dir DIR]
      Manage who may log in to the PostgreSQL agent API (/pg/{id}/login). The password is
      read from stdin (a prompt without echo on a terminal): echo "$PW" | vigil users add alice`

export async function usersCommand(dataDir: string, args: string[]): Promise<number> {
  const [action, username] = args
  mkdirSync(dataDir, { recursive: true, mode: 0o700 })
  const db = openDb(join(dataDir, DB_FILE))
  try {
    const { users } = createUsersFeature(db)
    switch (action) {
      case 'list':
        for (const user of users.list()) process.stdout.write(`${user.username}\t(since ${user.created_at})\n`)
        return 0
      case 'add':
      case 'passwd': {
        if (!username) return usage()
        const password = await readPassword(`Password for ${username}: `)
        if (action === 'add') await users.add(username, password)
        else await users.setPassword(username, password)
        process.stdout.write(action === 'add' ? `Added ${username}\n` : `Changed the password of ${username}; their sessions ended\n`)
        return 0
      }
      case 'remove':
        if (!username) return usage()
        users.remove(username)
        process.stdout.write(`Removed ${username}\n`)
        return 0
      default:
        return usage()
    }
  } finally {
    db.close()
  }
}

function usage(): number {
  process.stderr.write(`Usage:\n${USERS_HELP}\n`)
  return 2
}
