// `vigil config set|get|unset|show`: the CLI's own settings (client-config.ts).
import { existsSync } from 'node:fs'
import { caFile, CONFIG_KEYS, normalizeUrl, saveConfig, type ConfigKey } from '../client-config'
import { commandContext } from '../context'
import { EXIT, usageError } from '../exit-codes'
import { formatPairs } from '../tables'

export const CONFIG_HELP = `  vigil config set url URL | set ca FILE | get [url|ca] | unset url|ca | show
      The CLI's settings: the Vigil to talk to (default http://127.0.0.1:7420) and a PEM
      certificate to trust for it over https (its self-signed tls-cert.pem, or a private CA).`

export async function configCommand(args: string[]): Promise<number> {
  const ctx = commandContext(args, {}, 'vigil config')
  if (ctx.values.help) return (ctx.out(`Usage:\n${CONFIG_HELP}`), EXIT.ok)
  const [action, key, value, ...rest] = ctx.positionals
  if (rest.length) throw usageError(`unexpected '${rest.join(' ')}' after vigil config ${action}`)
  switch (action) {
    case 'set': {
      const name = configKey(key)
      if (value === undefined) throw usageError(`vigil config set ${name} needs a value`)
      ctx.config[name] = name === 'url' ? normalizeUrl(value) : caFile(value)
      saveConfig(ctx.configFile, ctx.config)
      ctx.out(`${name} = ${ctx.config[name]} (in ${ctx.configFile})`)
      return EXIT.ok
    }
    case 'unset': {
      const name = configKey(key)
      delete ctx.config[name]
      saveConfig(ctx.configFile, ctx.config)
      return EXIT.ok
    }
    case 'get': {
      if (value !== undefined) throw usageError('vigil config get takes one key')
      // `get` with no key, or `get url`, prints the URL in effect: the one commands would use.
      const name = key === undefined ? 'url' : configKey(key)
      const shown = name === 'url' ? ctx.target.url : ctx.target.ca
      if (ctx.json) ctx.printJson({ [name]: shown })
      else if (shown !== null) ctx.out(shown)
      return EXIT.ok
    }
    case 'show': {
      const servers = Object.entries(ctx.config.credentials ?? {}).map(([url, credential]) => ({
        url,
        username: credential.username,
        name: credential.name,
        expires_at: credential.expires_at,
        // Enough to tell tokens apart, not enough to use one.
        token: `${credential.token.slice(0, 8)}…`
      }))
      if (ctx.json) {
        ctx.printJson({ file: ctx.configFile, url: ctx.target.url, url_source: ctx.target.urlSource, ca: ctx.target.ca, token_source: ctx.target.tokenSource, logged_in: servers })
        return EXIT.ok
      }
      ctx.out(
        formatPairs([
          ['file', `${ctx.configFile}${existsSync(ctx.configFile) ? '' : ' (not written yet)'}`],
          ['url', `${ctx.target.url} (from ${ctx.target.urlSource})`],
          ['ca', ctx.target.ca],
          ['token', ctx.target.tokenSource ? `from ${ctx.target.tokenSource}` : 'none: run vigil auth login'],
          ...servers.map((server): [string, string] => [
            'logged in',
            `${server.url} as ${server.username ?? 'the owner token'}${server.expires_at ? `, until ${server.expires_at}` : ''} (${server.token})`
          ])
        ])
      )
      return EXIT.ok
    }
    default:
      throw usageError(action === undefined ? 'vigil config needs set, get, unset or show' : `unknown action 'vigil config ${action}'`)
  }
}

function configKey(key: string | undefined): ConfigKey {
  if (key !== undefined && (CONFIG_KEYS as readonly string[]).includes(key)) return key as ConfigKey
  throw usageError(`${key === undefined ? 'a key is needed' : `unknown key '${key}'`}: one of ${CONFIG_KEYS.join(', ')}`)
}
