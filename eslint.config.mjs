import js from '@eslint/js'
import reactHooks from 'eslint-plugin-react-hooks'
import globals from 'globals'
import tseslint from 'typescript-eslint'

// The boundaries of the house (STYLE.md): each folder's config lists every ban that applies to
// it, because a later config object replaces a rule instead of adding to it.
// A ban is one regex over the import source, so a subpath (`electron/main`, `nedb-promises/x`)
// or an extension (`console.js`) cannot slip past an exact name.
const noElectron = {
  regex: '^electron(/.*)?$',
  message: 'The console core runs in plain Node: never import electron here.'
}
const noNedb = {
  regex: '^nedb-promises(/.*)?$',
  message: 'Only core/persistence/nedb/ knows NeDB: take a collection from core/persistence/.'
}
const noCompositionRoot = {
  // web/ is an adapter: it gets operations and services handed in, never the composition root.
  // Only the last segment of a relative path, so console-operations stays allowed.
  regex: '^\\.\\.?/(.*/)?console(\\.[jt]s)?$',
  message: 'web/ must not import console.ts: take ConsoleOperations or the service you need.'
}
const noStoreInternals = {
  regex: '(^|/)store/(?!report-store$)',
  message: "devices/ may use the store's public face (store/report-store) only."
}
// no-restricted-imports sees only static imports and re-exports; `import('electron')`, a
// template-literal source and a type written as `import('nedb-promises').X` are held here by
// the same regexes.
const notDynamically = ({ regex, message }) => {
  const source = `/${regex.replaceAll('/', '\\/')}/i`
  return [
    `:matches(ImportExpression, TSImportType)[source.value=${source}]`,
    `ImportExpression[source.quasis.0.value.cooked=${source}]`
  ].map((selector) => ({ selector, message }))
}
const boundaries = (...bans) => ({
  'no-restricted-imports': ['error', { patterns: bans }],
  'no-restricted-syntax': ['error', ...bans.flatMap(notDynamically)]
})

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
    // NeDB stays behind core/persistence/nedb/ everywhere; the Electron shell (src/main/*.ts)
    // and the preload are the places that may import electron.
    files: ['src/**/*.{ts,tsx}'],
    rules: boundaries(noNedb)
  },
  {
    // The core, the CLI and the shared contract must load without Electron.
    files: ['src/main/cli/**/*.ts', 'src/shared/**/*.ts', 'src/reporter/**/*.ts'],
    rules: boundaries(noElectron, noNedb)
  },
  {
    files: ['src/main/core/**/*.ts'],
    rules: boundaries(noElectron, noNedb)
  },
  {
    files: ['src/main/core/persistence/nedb/**/*.ts'],
    rules: boundaries(noElectron)
  },
  {
    files: ['src/main/core/web/**/*.ts'],
    rules: boundaries(noElectron, noNedb, noCompositionRoot)
  },
  {
    files: ['src/main/core/devices/**/*.ts'],
    rules: boundaries(noElectron, noNedb, noStoreInternals)
  }
)
