import { defineConfig } from "vitest/config";
import preact from "@preact/preset-vite";

// The app is served from `/` of the API's own origin; the API's paths stay where they are.
export default defineConfig({
  plugins: [preact()],
  base: "/",
  build: { outDir: "dist", assetsDir: "assets", sourcemap: false, chunkSizeWarningLimit: 400 },
  test: { environment: "happy-dom", include: ["src/**/*.test.{ts,tsx}"] },
});
