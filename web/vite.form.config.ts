import { defineConfig } from "vite";

// The embeddable form: one small classic script at a stable path (`dist/form.js`), no
// framework, that any page includes with <script src=".../form.js">. Built after the app,
// into the same directory (the app's build empties it first).
export default defineConfig({
  publicDir: false,
  build: {
    outDir: "dist",
    emptyOutDir: false,
    sourcemap: false,
    target: "es2020",
    lib: {
      entry: "src/form/main.ts",
      formats: ["iife"],
      name: "InquiryFormScript",
      fileName: () => "form.js",
    },
  },
});
