/**
 * Where plugins come from. A plugin specifier (as listed in configuration) names a folder — a path
 * relative to the project root (with or without `./`), or absolute — or a package (a bare name an
 * installed package answers is that package). Its workflow part is `<specifier>/workflow`
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

/** Written as a path: `./…`, `../…` or absolute. */
const isWrittenAsPath = (specifier: string): boolean => specifier.startsWith('.') || path.isAbsolute(specifier);

/** A folder at `where` (false where it cannot be looked at, as for none). */
function isFolder(where: string): boolean {
  try {
    return statSync(where, { throwIfNoEntry: false })?.isDirectory() === true;
  } catch {
    return false;
  }
}

function fromFolder(folder: string, part: 'workflow' | 'activity'): string | undefined {
  const base = path.join(folder, part);
  return EXTENSIONS.map((extension) => base + extension).find((file) => existsSync(file));
}

function fromPackage(specifier: string, part: 'workflow' | 'activity', rootDir: string): string | undefined {
  try {
    return createRequire(path.join(rootDir, 'package.json')).resolve(`${specifier}/${part}`);
  } catch {
    return undefined;
  }
}

/**
 * Where a specifier's parts come from: a path is a folder; a bare name is the installed package
 * that exports its workflow part, else a folder of that name under `rootDir` (`plugins-local/acme`).
 * The package first: a workspace folder of the same name is published through its package's exports.
 */
function originOf(specifier: string, rootDir: string): { folder: string } | 'package' | undefined {
  if (isWrittenAsPath(specifier)) return { folder: path.resolve(rootDir, specifier) };
  if (fromPackage(specifier, 'workflow', rootDir)) return 'package';
  const folder = path.resolve(rootDir, specifier);
  return isFolder(folder) ? { folder } : undefined;
}

/** A part of the specifier's plugin, from where `originOf` found it. */
function partFrom(origin: ReturnType<typeof originOf>, specifier: string, part: 'workflow' | 'activity', rootDir: string): string | undefined {
  if (origin === undefined) return undefined;
  return origin === 'package' ? fromPackage(specifier, part, rootDir) : fromFolder(origin.folder, part);
}

/**
 * The example plugins, then `configured`, with their parts resolved against `rootDir`.
 * Throws `PluginLoadError` for a specifier without a workflow part.
 */
export function resolvePluginSources(configured: readonly string[], rootDir = process.cwd()): PluginSource[] {
  return [...EXAMPLE_PLUGINS, ...configured].map((specifier) => {
    const origin = originOf(specifier, rootDir);
    const workflowPath = partFrom(origin, specifier, 'workflow', rootDir);
    if (!workflowPath) throw new PluginLoadError(specifier, `no workflow part found (${whereLooked(specifier, rootDir)})`);
    const activityPath = partFrom(origin, specifier, 'activity', rootDir);
    return activityPath ? { specifier, workflowPath, activityPath } : { specifier, workflowPath };
  });
}

/** Where a workflow part was looked for, so the message says what to write instead. */
function whereLooked(specifier: string, rootDir: string): string {
  if (isWrittenAsPath(specifier) || isFolder(path.resolve(rootDir, specifier))) return `expected ${path.resolve(rootDir, specifier, 'workflow')} with one of ${EXTENSIONS.join(', ')}`;
  return `no folder ${specifier} in ${rootDir}, and no installed package exports ${specifier}/workflow`;
}
