/**
 * Where plugins come from. A plugin specifier (as listed in configuration) names a folder — a path
 * relative to the project root (with or without `./`), or absolute — or a package. Its workflow part is `<specifier>/workflow`
 * (required) and its activity part `<specifier>/activity` (optional); a package exposes both as
 * subpath exports. The example plugins are always included, after the built-in types.
 */
import { existsSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PluginLoadError } from './errors';

/** A configured plugin with its parts' resolved files. */
export interface PluginSource {
  readonly specifier: string;
  readonly workflowPath: string;
  readonly activityPath?: string;
}

/** The example plugins shipped with the product (plugins/examples), always loaded. */
export const EXAMPLE_PLUGINS: readonly string[] = ['rating', 'ai_tool_call', 'quick_replies'].map((name) =>
  fileURLToPath(new URL(`./examples/${name}`, import.meta.url)),
);

const EXTENSIONS = ['.ts', '.mts', '.js', '.mjs'];

/**
 * A folder: `./…`, `../…`, absolute, or a folder that exists under `rootDir` (`plugins-local/acme`).
 * A package is installed in node_modules, not at the project root, so the two do not clash.
 */
const isPath = (specifier: string, rootDir: string): boolean =>
  specifier.startsWith('.') || path.isAbsolute(specifier) || statSync(path.resolve(rootDir, specifier), { throwIfNoEntry: false })?.isDirectory() === true;

function resolvePart(specifier: string, part: 'workflow' | 'activity', rootDir: string): string | undefined {
  if (isPath(specifier, rootDir)) {
    const base = path.resolve(rootDir, specifier, part);
    return EXTENSIONS.map((extension) => base + extension).find((file) => existsSync(file));
  }
  try {
    return createRequire(path.join(rootDir, 'package.json')).resolve(`${specifier}/${part}`);
  } catch {
    return undefined;
  }
}

/**
 * The example plugins, then `configured`, with their parts resolved against `rootDir`.
 * Throws `PluginLoadError` for a specifier without a workflow part.
 */
export function resolvePluginSources(configured: readonly string[], rootDir = process.cwd()): PluginSource[] {
  return [...EXAMPLE_PLUGINS, ...configured].map((specifier) => {
    const workflowPath = resolvePart(specifier, 'workflow', rootDir);
    if (!workflowPath) throw new PluginLoadError(specifier, `no workflow part found (${whereLooked(specifier, rootDir)})`);
    const activityPath = resolvePart(specifier, 'activity', rootDir);
    return activityPath ? { specifier, workflowPath, activityPath } : { specifier, workflowPath };
  });
}

/** Where a workflow part was looked for, so the message says what to write instead. */
function whereLooked(specifier: string, rootDir: string): string {
  if (isPath(specifier, rootDir)) return `expected ${path.resolve(rootDir, specifier, 'workflow')} with one of ${EXTENSIONS.join(', ')}`;
  return `no folder ${specifier} in ${rootDir}, and no installed package exports ${specifier}/workflow`;
}
