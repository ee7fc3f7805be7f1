// Vigil's import boundaries, as one ESLint rule (`vigil/layers`). The layout is small and
// specific (a feature is a folder of src/main with an index.ts; base; api faces; shells), so
// the rule states it directly instead of configuring a general-purpose boundaries plugin:
//   - src/shared imports nothing of Vigil; the renderer and the preload import only src/shared;
//   - src/main/base imports no feature, no API face and no shell;
//   - a feature imports another feature only through its index.ts, and never the API or a shell;
//   - only src/main/api (and the shells that build it) import HTTP libraries (fastify, ws);
//     `vigil`'s client commands (src/main/cli/, part of the cli shell) are an HTTP client by
//     nature and take `ws` for the metrics WebSocket.
import { dirname, relative, resolve, sep } from 'node:path'

const ROOT = resolve(dirname(new URL(import.meta.url).pathname), '..')
const SHELLS = new Set(['index', 'cli', 'cli-users', 'cli-import', 'app', 'config', 'handlers', 'safe-storage'])
const HTTP_LIBRARIES = /^(fastify|@fastify\/|ws$|fastify-)/

/** Which layer a path (absolute, without extension or with) belongs to. */
export function layerOf(path) {
  const parts = relative(ROOT, path).split(sep)
  if (parts[0] !== 'src') return { kind: 'outside' }
  if (parts[1] === 'shared') return { kind: 'shared' }
  if (parts[1] === 'renderer') return { kind: 'renderer' }
  if (parts[1] === 'preload') return { kind: 'preload' }
  if (parts[1] !== 'main') return { kind: 'outside' }
  const top = parts[2].replace(/\.tsx?$/, '')
  if (parts.length === 3 && SHELLS.has(top)) return { kind: 'shell', name: top }
  // The `vigil` shell's own modules (its client commands), not a feature.
  if (top === 'cli') return { kind: 'shell', name: 'cli' }
  if (top === 'base') return { kind: 'base' }
  if (top === 'api') return { kind: 'api' }
  const rest = parts.slice(3).join('/').replace(/\.tsx?$/, '')
  return { kind: 'feature', name: top, entry: rest === '' || rest === 'index' }
}

/** Why `from` may not import `to`, or null when it may. */
export function violation(from, to) {
  if (to.kind === 'outside') return null
  switch (from.kind) {
    case 'shared':
      return to.kind === 'shared' ? null : 'src/shared depends on nothing of Vigil'
    case 'renderer':
    case 'preload':
      return to.kind === 'shared' || to.kind === from.kind ? null : `the ${from.kind} imports only src/shared`
    case 'base':
      return to.kind === 'base' || to.kind === 'shared' ? null : 'base imports no feature, API face or shell'
    case 'feature':
      if (to.kind === 'base' || to.kind === 'shared') return null
      if (to.kind === 'feature') return to.name === from.name || to.entry ? null : `import the ${to.name} feature through its index.ts`
      return `a feature imports no ${to.kind === 'api' ? 'API face (engines know nothing of HTTP)' : to.kind}`
    case 'api':
    case 'shell':
      if (to.kind === 'renderer' || to.kind === 'preload') return `src/main imports no ${to.kind} code`
      if (to.kind === 'feature' && !to.entry) return `import the ${to.name} feature through its index.ts`
      if (from.kind === 'api' && to.kind === 'shell' && !['config', 'handlers'].includes(to.name)) return 'the API imports no shell'
      return null
    default:
      return null
  }
}

const rule = {
  meta: {
    type: 'problem',
    docs: { description: "Vigil's layers: base ← features (through index.ts) ← API faces and shells; shared ← everything" },
    schema: []
  },
  create(context) {
    const file = context.filename
    const from = layerOf(file)
    if (from.kind === 'outside') return {}
    const check = (node) => {
      const spec = node?.value
      if (typeof spec !== 'string') return
      if (!spec.startsWith('.')) {
        if (HTTP_LIBRARIES.test(spec) && from.kind !== 'api' && !(from.kind === 'shell' && (from.name === 'app' || from.name === 'cli'))) {
          context.report({ node, message: `'${spec}' belongs in src/main/api: engines and the base know nothing of HTTP` })
        }
        return
      }
      const reason = violation(from, layerOf(resolve(dirname(file), spec)))
      if (reason) context.report({ node, message: `'${spec}': ${reason}` })
    }
    return {
      ImportDeclaration: (node) => check(node.source),
      ExportNamedDeclaration: (node) => check(node.source),
      ExportAllDeclaration: (node) => check(node.source),
      ImportExpression: (node) => check(node.source)
    }
  }
}

export default { meta: { name: 'vigil' }, rules: { layers: rule } }
