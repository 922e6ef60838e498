// Worker thread entry: plain JavaScript, so that it loads under plain node, tsx and vitest alike;
// tsx compiles the TypeScript engine thread (scoped to this import, whatever loaders the parent has).
import { tsImport } from 'tsx/esm/api';

await tsImport('./worker.ts', import.meta.url);
