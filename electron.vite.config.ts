import { copyFileSync, mkdirSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, resolve } from 'node:path'
import react from '@vitejs/plugin-react'
import { defineConfig } from 'electron-vite'
import type { Plugin } from 'vite'

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

// typebox ships ES modules only; bundling it keeps the CommonJS main runnable on Node 20 and Electron.
const bundledDeps = ['typebox', '@fastify/type-provider-typebox']

// The shells' own modules: the Electron shell (the only importers of electron) and `vigil`'s entry.
const SHELL_MODULES = ['src/main/index.ts', 'src/main/safe-storage.ts', 'src/main/cli.ts'].map((path) => resolve(path))

/**
 * The two shells (Electron, `vigil serve`) share one core; name the shared chunks for what they
 * hold instead of after whichever module Rollup met first. Nothing of the Electron shell may
 * land in the core, or `vigil serve` would need Electron.
 */
function mainChunkOf(id: string): string | undefined {
  if (id.includes('/node_modules/')) return 'vendor'
  if (!SHELL_MODULES.includes(id) && id.startsWith(resolve('src'))) return 'core'
  return undefined
}

export default defineConfig({
  main: {
    build: {
      externalizeDeps: { exclude: bundledDeps },
      rollupOptions: {
        input: {
          index: resolve('src/main/index.ts'),
          cli: resolve('src/main/cli.ts')
        },
        output: { manualChunks: mainChunkOf }
      }
    },
    plugins: [copyRedocBundle()]
  },
  preload: {
    build: {
      rollupOptions: { input: { index: resolve('src/preload/index.ts') } }
    }
  },
  renderer: {
    root: 'src/renderer',
    build: {
      rollupOptions: { input: { index: resolve('src/renderer/index.html') } }
    },
    plugins: [react()]
  }
})
