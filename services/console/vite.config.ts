// The console is served by the gateway under /console/, so asset URLs carry that base. esbuild
// compiles the JSX (React's automatic runtime): no React plugin needed for a production build.
// `npx vite` serves it on its own and sends /v1 to a gateway (GATEWAY_URL, default :3000).
import { defineConfig } from 'vite';

export default defineConfig({
  base: '/console/',
  esbuild: { jsx: 'automatic' },
  server: { proxy: { '/v1': process.env.GATEWAY_URL ?? 'http://127.0.0.1:3000' } },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: true,
    rollupOptions: {
      // Radix marks its modules "use client" (for server components): nothing to do in a browser bundle.
      onwarn(warning, warn) {
        if (warning.code !== 'MODULE_LEVEL_DIRECTIVE') warn(warning);
      },
    },
  },
});
