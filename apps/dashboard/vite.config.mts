import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// Served by campaign-api at / (same origin); in `vite dev`, /v1 goes to a local campaign-api.
export default defineConfig({
  plugins: [react()],
  build: { outDir: 'dist', emptyOutDir: true, assetsDir: 'assets', sourcemap: false },
  server: { proxy: { '/v1': { target: process.env.API_URL ?? 'http://127.0.0.1:3000', changeOrigin: false } } },
});
