/**
 * The explorer's build (`npm run build`, or on first use by `npm start` and the tests: build.ts):
 * two pages into dist/explorer/ — the explorer (index.html) and GraphiQL (graphiql.html) — which the
 * gateway serves itself. core/ is compiled in for the browser: its native.ts (OpenSSL through
 * node:crypto) is replaced by native.browser.ts (noble), so the checks run unchanged.
 */
import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));
const NATIVE = here('../core/native.ts');

/** core/native.ts → core/native.browser.ts, by resolved path (core/ imports it as './native.ts'). */
function browserCore(): Plugin {
  return {
    name: 'aiki-browser-core',
    enforce: 'pre',
    async resolveId(source, importer, options) {
      if (!source.endsWith('native.ts')) return null;
      const resolved = await this.resolve(source, importer, { ...options, skipSelf: true });
      return resolved?.id === NATIVE ? here('../core/native.browser.ts') : null;
    },
  };
}

export default defineConfig({
  root: here('.'),
  base: '/',
  plugins: [browserCore()],
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  resolve: { dedupe: ['graphql'] },
  build: {
    outDir: here('../dist/explorer'),
    emptyOutDir: true,
    target: 'es2022',
    // Measured in docs/BENCHMARKS.md (npm run bench -- explorer); GraphiQL is its own page and chunk.
    chunkSizeWarningLimit: 2000,
    reportCompressedSize: false,
    sourcemap: false,
    rollupOptions: {
      input: { index: here('index.html'), graphiql: here('graphiql.html') },
      // GraphiQL's React components say "use client" (for server rendering): meaningless in a bundle.
      onLog: (level, log, handler) => (log.code === 'MODULE_LEVEL_DIRECTIVE' ? undefined : handler(level, log)),
    },
  },
  logLevel: 'warn',
});
