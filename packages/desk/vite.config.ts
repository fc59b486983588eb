import { defineConfig } from 'vite';

// Served by the service under /desk; every asset is named by its content hash there.
export default defineConfig({
  base: '/desk/',
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  // `pnpm dev`: the pages from source, the API from a running service (`pnpm start` prints it).
  server: { proxy: { '/api': process.env.DESK_API_URL ?? 'http://127.0.0.1:8080' } },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // The service's policy allows no inline script: the module preload helper stays in a file.
    modulePreload: { polyfill: false },
    reportCompressedSize: true,
    target: 'es2022',
  },
});
