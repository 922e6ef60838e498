/**
 * Builds widget.js, the widget as customers' pages include it (web/widget/embed.ts): one classic
 * script, an IIFE with its styles inside as strings, no other file to load. Run after the pages'
 * build (web/vite.config.ts), into the same web/dist, which it must not empty.
 */
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  publicDir: false,
  logLevel: 'warn',
  build: {
    outDir: 'dist',
    emptyOutDir: false,
    target: 'es2022',
    lib: {
      entry: fileURLToPath(new URL('./widget/embed.ts', import.meta.url)),
      formats: ['iife'],
      name: 'SupportChatWidget',
      fileName: () => 'widget.js',
    },
  },
});
