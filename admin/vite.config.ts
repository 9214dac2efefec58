import tailwindcss from "@tailwindcss/vite";
import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

/**
 * The admin panel. Built into admin/dist and served by the gateway itself at /admin
 * (server/admin-ui). `npm run dev` runs this dev server with hot reload and proxies
 * /admin/api to a running gateway (TOLLGATE_URL, default http://localhost:8000). The
 * proxy keeps the browser's Host header, so the gateway's Origin check sees its own origin.
 */
export default defineConfig({
  root: import.meta.dirname,
  base: "/admin/",
  plugins: [react(), tailwindcss()],
  build: { outDir: "dist", emptyOutDir: true, assetsDir: "assets", chunkSizeWarningLimit: 1200 },
  server: {
    port: 5173,
    strictPort: false,
    proxy: {
      "/admin/api": { target: process.env.TOLLGATE_URL ?? "http://localhost:8000", changeOrigin: false },
    },
  },
});
