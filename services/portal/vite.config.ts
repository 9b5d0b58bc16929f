// The portal is served by the gateway under /portal/, so asset URLs carry that base. esbuild
// compiles the JSX (React's automatic runtime): no React plugin needed for a production build.
// `npm run dev -w @helpdesk/portal` serves it with hot reload and sends /v1 to the gateway of
// `npm start` (GATEWAY_URL to use another).
import { defineConfig } from 'vite';

export default defineConfig({
  base: '/portal/',
  esbuild: { jsx: 'automatic' },
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: true },
  server: { proxy: { '/v1': { target: process.env.GATEWAY_URL ?? 'http://127.0.0.1:3000', changeOrigin: true } } },
});
