// Lint: recommended rules for TypeScript, plus the layering of docs/ARCHITECTURE.md ("Layers") — core/ has no I/O,
// a subgraph never imports the gateway, the gateway never imports a subgraph's internals.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

// Each entry is one gitignore-style group: a string, or an array whose `!` patterns make exceptions.
const noImport = (patterns, message) => ({
  'no-restricted-imports': ['error', { patterns: patterns.map((group) => ({ group: [group].flat(), message })) }],
});

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', '.cache/', '.data/', 'schema/generated/', 'explorer/src/gql/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'off',
    },
  },
  {
    files: ['core/**/*.ts'],
    // node:crypto is allowed: it is pure computation, not I/O (OpenSSL verifies Ed25519 about 6×
    // faster than noble, see core/ed25519.ts).
    rules: noImport([['node:*', '!node:crypto'], 'mongodb', '@apollo/*', '../*'], 'core/ is pure ledger rules: no I/O, no other layer.'),
  },
  {
    files: ['subgraphs/**/*.ts'],
    rules: noImport(['**/gateway/**'], 'a subgraph never imports the gateway.'),
  },
  {
    files: ['gateway/**/*.ts'],
    rules: noImport(['**/subgraphs/**'], "the gateway never imports a subgraph's internals; share through schema/ or core/."),
  },
  {
    files: ['explorer/src/**/*.{ts,tsx}'],
    rules: noImport(
      ['node:*', '**/runtime/**', '**/gateway/**', '**/subgraphs/**', '**/schema/**', '**/cluster/**', '**/cli/**', '**/db/**', 'mongodb', '@apollo/*'],
      'the explorer is a browser app on the public API: it imports core/ (pure rules) and its own files, nothing of the server.',
    ),
  },
  {
    files: ['test/**/*.ts', 'bench/**/*.ts'],
    rules: { 'no-restricted-imports': 'off' },
  },
);
