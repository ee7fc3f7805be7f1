import { copyFileSync, mkdirSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, resolve } from 'node:path'
import { gzipSync } from 'node:zlib'
import react from '@vitejs/plugin-react'
import { defineConfig } from 'electron-vite'
import type { Plugin, Rollup } from 'vite'

const require = createRequire(import.meta.url)

// ReDoc is served from Vigil itself (no CDN): copy its self-contained bundle next to main.
function copyRedocBundle(): Plugin {
  return {
    name: 'vigil-copy-redoc',
    closeBundle() {
      const source = require.resolve('redoc/bundles/redoc.standalone.js')
      const target = resolve('out/vendor/redoc.standalone.js')
      mkdirSync(dirname(target), { recursive: true })
      copyFileSync(source, target)
    }
  }
}

/**
 * V8 keeps a script's source for as long as it runs, at one byte a character only if every
 * character is Latin-1: a few dashes and quotes in messages and comments made the main chunks'
 * 2 MB of source two bytes a character. Each UTF-16 unit above U+00FF becomes a \uXXXX escape,
 * which means the same in a string, a template, a regular expression or a comment; it would
 * change only a tagged template's raw text (String.raw), and none holds such a character.
 */
function escapeWideCharacters(): Plugin {
  return {
    name: 'vigil-escape-wide-characters',
    // Once every chunk is rendered: done in renderChunk, a later pass of Vite's turned the escapes back.
    generateBundle(_options, bundle) {
      for (const file of Object.values(bundle)) {
        if (file.type === 'chunk') file.code = file.code.replace(/[\u0100-\uffff]/g, (unit) => `\\u${unit.charCodeAt(0).toString(16).padStart(4, '0')}`)
      }
    }
  }
}

/** The chunk of the area shown first (#/overview): the first page needs it along with the entry. */
const FIRST_AREA = 'src/renderer/src/views/overview/OverviewView.tsx'

// What the first page costs, printed after every renderer build (a figure to watch, not a test).
function reportFirstChunk(): Plugin {
  let log: (message: string) => void = console.log
  return {
    name: 'vigil-first-chunk-size',
    apply: 'build',
    configResolved(config) {
      log = (message) => config.logger.info(message)
    },
    writeBundle(_options, bundle) {
      const chunks = new Map(
        Object.values(bundle)
          .filter((file): file is Rollup.OutputChunk => file.type === 'chunk')
          .map((chunk) => [chunk.fileName, chunk])
      )
      const entry = [...chunks.values()].find((chunk) => chunk.isEntry)
      if (!entry) return
      const area = [...chunks.values()].find((chunk) => chunk.facadeModuleId?.endsWith(FIRST_AREA))
      // Each chunk and what it imports statically: what must load before it runs.
      const needed = new Set<string>()
      const add = (name: string): void => {
        if (needed.has(name)) return
        needed.add(name)
        chunks.get(name)?.imports.forEach(add)
      }
      add(entry.fileName)
      if (area) add(area.fileName)
      const size = (names: string[]): string => {
        const code = names.map((name) => chunks.get(name)?.code ?? '').join('')
        return `${kB(Buffer.byteLength(code))} (gzip ${kB(gzipSync(code).length)})`
      }
      log(`renderer first chunk: ${entry.fileName.replace(/^assets\//, '')} ${size([entry.fileName])}`)
      log(`renderer first page: ${needed.size} chunks ${size([...needed])}: ${[...needed].map((name) => name.replace(/^assets\//, '')).join(', ')}`)
    }
  }
}

const VENDOR_CHUNKS = ['typebox', 'uplot']

function kB(bytes: number): string {
  return `${(bytes / 1000).toFixed(1)} kB`
}

// typebox ships ES modules only; bundling it keeps the CommonJS main runnable on Node 20 and Electron.
const bundledDeps = ['typebox', '@fastify/type-provider-typebox']

// The shells' own modules: the Electron shell (the only importers of electron) and `vigil`'s entry.
const SHELL_MODULES = ['src/main/index.ts', 'src/main/safe-storage.ts', 'src/main/cli.ts'].map((path) => resolve(path))

/** The models runner's entry, and what it shares with the core (a chunk of its own, so neither loads the other). */
const RUNNER_ENTRY = resolve('src/main/models/runner-child.ts')
const RUNNER_SHARED = resolve('src/main/models/model-build.ts')

/**
 * What `vigil` loads before it knows which command runs: its entry and everything of src that
 * the entry imports statically — the client commands and the few modules they use. The server
 * commands (and with them the whole core) are imported dynamically, so `vigil servers list` does
 * not load the server.
 */
function clientModules(getModuleInfo: Rollup.GetModuleInfo): Set<string> {
  const src = resolve('src')
  const seen = new Set<string>()
  const visit = (id: string): void => {
    if (seen.has(id) || !id.startsWith(src)) return
    seen.add(id)
    for (const imported of getModuleInfo(id)?.importedIds ?? []) visit(imported)
  }
  visit(resolve('src/main/cli.ts'))
  return seen
}

/**
 * The two shells (Electron, `vigil serve`) share one core; name the shared chunks for what they
 * hold instead of after whichever module Rollup met first. Nothing of the Electron shell may
 * land in the core, or `vigil serve` would need Electron. The client commands' modules are a
 * chunk of their own (the core imports the few it shares with them from there).
 */
function mainChunkOf(id: string, { getModuleInfo }: Rollup.ManualChunkMeta): string | undefined {
  if (id.includes('/node_modules/')) return 'vendor'
  // The models runner loads its few modules only, not the core: it starts for each run and export.
  if (SHELL_MODULES.includes(id) || id === RUNNER_ENTRY || !id.startsWith(resolve('src'))) return undefined
  if (id === RUNNER_SHARED) return 'models-build'
  return clientModules(getModuleInfo).has(id) ? 'client' : 'core'
}

export default defineConfig({
  main: {
    build: {
      externalizeDeps: { exclude: bundledDeps },
      rollupOptions: {
        input: {
          index: resolve('src/main/index.ts'),
          cli: resolve('src/main/cli.ts'),
          // The models runner, a child process both shells fork (src/main/models/runner.ts finds it here).
          'models-runner': resolve('src/main/models/runner-child.ts')
        },
        output: { manualChunks: mainChunkOf }
      }
    },
    plugins: [copyRedocBundle(), escapeWideCharacters()]
  },
  preload: {
    build: {
      rollupOptions: { input: { index: resolve('src/preload/index.ts') } }
    }
  },
  renderer: {
    root: 'src/renderer',
    build: {
      // electron-vite leaves the renderer unminified; it is also served to browsers by `vigil serve`.
      minify: true,
      rollupOptions: {
        input: { index: resolve('src/renderer/index.html') },
        // Libraries in chunks named for them, so the size report says what weighs what.
        output: { manualChunks: (id) => VENDOR_CHUNKS.find((name) => id.includes(`/node_modules/${name}/`)) }
      }
    },
    plugins: [react(), reportFirstChunk()]
  }
})
