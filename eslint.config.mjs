import js from '@eslint/js'
import reactHooks from 'eslint-plugin-react-hooks'
import globals from 'globals'
import tseslint from 'typescript-eslint'

// The boundaries of the house (STYLE.md): each folder's `no-restricted-imports` lists every ban
// that applies to it, because a later config object replaces the rule instead of adding to it.
const noElectron = {
  name: 'electron',
  message: 'The console core runs in plain Node: never import electron here.'
}
const noNedb = {
  name: 'nedb-promises',
  message: 'Only core/persistence/nedb/ knows NeDB: take a collection from core/persistence/.'
}
const noCompositionRoot = {
  // web/ is an adapter: it gets operations and services handed in, never the composition root.
  regex: '(^|/)console(\\.ts)?$',
  message: 'web/ must not import console.ts: take ConsoleOperations or the service you need.'
}
const noStoreInternals = {
  regex: '(^|/)store/(?!report-store$)',
  message: "devices/ may use the store's public face (store/report-store) only."
}
const restrict = (paths, patterns = []) => ['error', { paths, patterns }]

export default tseslint.config(
  { ignores: ['out/**', 'dist/**', 'node_modules/**', 'test-artifacts/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }
      ]
    }
  },
  {
    // CommonJS launchers run by node as they are.
    files: ['bin/**/*.js', 'test/**/*.cjs'],
    languageOptions: { sourceType: 'commonjs' },
    rules: { '@typescript-eslint/no-require-imports': 'off' }
  },
  {
    // Tests read JSON bodies of many shapes; typing each one adds nothing.
    files: ['test/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' }
  },
  {
    files: ['src/renderer/**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      'react-hooks/rules-of-hooks': 'error',
      'react-hooks/exhaustive-deps': 'warn'
    }
  },
  {
    // The core, the CLI and the shared contract must load without Electron.
    files: ['src/main/cli/**/*.ts', 'src/shared/**/*.ts', 'src/reporter/**/*.ts'],
    rules: { 'no-restricted-imports': restrict([noElectron]) }
  },
  {
    files: ['src/main/core/**/*.ts'],
    rules: { 'no-restricted-imports': restrict([noElectron, noNedb]) }
  },
  {
    files: ['src/main/core/persistence/nedb/**/*.ts'],
    rules: { 'no-restricted-imports': restrict([noElectron]) }
  },
  {
    files: ['src/main/core/web/**/*.ts'],
    rules: { 'no-restricted-imports': restrict([noElectron, noNedb], [noCompositionRoot]) }
  },
  {
    files: ['src/main/core/devices/**/*.ts'],
    rules: { 'no-restricted-imports': restrict([noElectron, noNedb], [noStoreInternals]) }
  }
)
