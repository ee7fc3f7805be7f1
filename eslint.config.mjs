import js from '@eslint/js'
import globals from 'globals'
import reactHooks from 'eslint-plugin-react-hooks'
import tseslint from 'typescript-eslint'
import vigil from './eslint/layers.mjs'

const electronOnlyHere = ['src/main/index.ts', 'src/main/safe-storage.ts', 'src/preload/**']

// Layers import downward only (eslint/layers.mjs says how); Electron only in the shell.
export default tseslint.config(
  { ignores: ['out/**', 'dist/**', 'node_modules/**', 'test-results/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { ecmaVersion: 2023, sourceType: 'module', globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }]
    }
  },
  {
    files: ['src/**/*.ts', 'src/**/*.tsx'],
    plugins: { vigil },
    rules: { 'vigil/layers': 'error' }
  },
  {
    files: ['src/**/*.ts', 'src/**/*.tsx', 'test/**/*.ts', 'bench/**/*.ts'],
    ignores: electronOnlyHere,
    rules: {
      'no-restricted-imports': [
        'error',
        { paths: [{ name: 'electron', message: 'Only the Electron shell (src/main/index.ts, safe-storage.ts) and the preload import electron.' }] }
      ]
    }
  },
  {
    files: ['src/renderer/**/*.ts', 'src/renderer/**/*.tsx'],
    languageOptions: { globals: { ...globals.browser } },
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      // useLoad(fetch, deps) loads when deps change, like useEffect: its deps are checked the same way.
      'react-hooks/exhaustive-deps': ['warn', { additionalHooks: '(useLoad)' }],
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'electron', message: 'The renderer reaches the core through window.vigil only.' }],
          patterns: [{ group: ['node:*'], message: 'The renderer runs in a browser: no Node modules.' }]
        }
      ]
    }
  },
  {
    // Tests read loosely typed JSON answers; `any` there keeps assertions readable.
    files: ['test/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' }
  },
  {
    files: ['src/shared/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'electron', message: 'src/shared runs everywhere.' }],
          patterns: [{ group: ['node:*'], message: 'src/shared also runs in the browser: no Node modules.' }]
        }
      ]
    }
  }
)
