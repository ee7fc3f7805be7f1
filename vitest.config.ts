import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    projects: [
      {
        // codemirror-promql has no `exports`: Node would load its CommonJS build, and with it a
        // second @codemirror/state beside the ESM one the tests import. Its ES build, transformed
        // by Vite (its imports name no extensions), as in the app's bundle.
        resolve: { alias: [{ find: /^@prometheus-io\/codemirror-promql$/, replacement: fileURLToPath(new URL('node_modules/@prometheus-io/codemirror-promql/dist/esm/index.js', import.meta.url)) }] },
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.{ts,tsx}'],
          environment: 'node',
          server: { deps: { inline: ['@prometheus-io/codemirror-promql'] } }
        }
      },
      {
        test: { name: 'integration', include: ['test/integration/**/*.test.ts'], testTimeout: 30_000, hookTimeout: 60_000 }
      },
      {
        // Drives the built app (out/) in Debian's Chromium; `npm run build` first.
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
          fileParallelism: false
        }
      }
    ]
  }
})
