/** Builds the pages (demo site with the widget, agent inbox, audit viewer) into web/dist. */
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));
const page = (name: string) => fileURLToPath(new URL(`./${name}/index.html`, import.meta.url));

export default defineConfig({
  root,
  base: '/',
  publicDir: false,
  logLevel: 'warn',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    // The server's CSP allows same-origin scripts only; modern browsers need no preload polyfill.
    modulePreload: { polyfill: false },
    rolldownOptions: {
      input: { demo: page('demo'), inbox: page('inbox'), audit: page('audit') },
    },
  },
});
