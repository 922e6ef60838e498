/**
 * Where plugins come from. A plugin specifier (as listed in configuration) names a folder — a path
 * relative to the project root, or absolute — or a package. Its workflow part is `<specifier>/workflow`
 * (required) and its activity part `<specifier>/activity` (optional); a package exposes both as
 * subpath exports. The example plugins are always included, after the built-in types.
 */
import { existsSync } from 'node:fs';
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

const isPath = (specifier: string): boolean => specifier.startsWith('.') || path.isAbsolute(specifier);

function resolvePart(specifier: string, part: 'workflow' | 'activity', rootDir: string): string | undefined {
  if (isPath(specifier)) {
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
    if (!workflowPath) {
      throw new PluginLoadError(specifier, `no workflow part found (expected ${specifier}/workflow, resolved from ${rootDir})`);
    }
    const activityPath = resolvePart(specifier, 'activity', rootDir);
    return activityPath ? { specifier, workflowPath, activityPath } : { specifier, workflowPath };
  });
}
