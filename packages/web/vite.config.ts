import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// `npm run dev -w packages/web` proxies the API of a `claudelens serve` on CLAUDELENS_URL
// (default http://127.0.0.1:4280); the server's WebSocket Origin check sees its own origin.
const target = process.env.CLAUDELENS_URL ?? 'http://127.0.0.1:4280';

export default defineConfig({
  plugins: [react()],
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: true, chunkSizeWarningLimit: 800 },
  server: {
    proxy: {
      '/api': { target, changeOrigin: true },
      '/healthz': { target, changeOrigin: true },
      '/ws': { target, ws: true, changeOrigin: true, headers: { origin: target } },
    },
  },
});
