import { defineConfig } from "vitest/config";
import preact from "@preact/preset-vite";

// The app is served from `/` of the API's own origin; the API's paths stay where they are.
export default defineConfig({
  plugins: [preact()],
  base: "/",
  build: { outDir: "dist", assetsDir: "assets", sourcemap: false, chunkSizeWarningLimit: 400 },
  // Worker threads rather than forked processes: the same isolation per file, less to start.
  test: { environment: "happy-dom", pool: "threads", include: ["src/**/*.test.{ts,tsx}"] },
});
