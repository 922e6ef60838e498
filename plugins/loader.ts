/** Start-up: import the configured plugins' parts and build the registry, or stop naming the plugin at fault. */
import { PluginLoadError } from './errors';
import { createPluginRegistry, type PluginRegistry } from './registry';
import { resolvePluginSources, type PluginSource } from './sources';
import type { LoadedPlugin, Plugin, PluginEffects } from './types';

/** What `loadPluginRegistry` takes: the configuration's plugin list. */
export interface PluginConfiguration {
  /** Third-party plugin specifiers (see sources.ts); the built-ins and examples are always loaded. */
  readonly plugins?: readonly string[];
  /** Where relative specifiers and packages are resolved from; defaults to the working directory. */
  readonly rootDir?: string;
}

/**
 * Loads every plugin's workflow and activity parts and checks them together. Throws
 * `PluginLoadError` naming the plugin when a part is missing, throws while loading, or declares
 * something invalid (duplicate or built-in type name, bad schema, unknown hook).
 * The workflow parts' sandbox check happens when the workflow entry is written (bundle-entry.ts).
 */
export async function loadPluginRegistry(configuration: PluginConfiguration = {}): Promise<PluginRegistry> {
  const loaded: LoadedPlugin[] = [];
  for (const source of resolvePluginSources(configuration.plugins ?? [], configuration.rootDir)) {
    loaded.push(await importPlugin(source));
  }
  return createPluginRegistry(loaded);
}

async function importPlugin(source: PluginSource): Promise<LoadedPlugin> {
  const plugin = await importDefault<Plugin>(source, source.workflowPath);
  if (!source.activityPath) return { plugin };
  return { plugin, effects: await importDefault<PluginEffects>(source, source.activityPath) };
}

// The registry checks the shape of what is imported, so the type parameter is only a label here.
async function importDefault<T>(source: PluginSource, file: string): Promise<T> {
  let module: { default?: T };
  try {
    module = (await import(file)) as { default?: T };
  } catch (thrown) {
    const reason = thrown instanceof Error ? thrown.message : String(thrown);
    throw new PluginLoadError(source.specifier, `${file} threw while loading: ${reason}`, { cause: thrown });
  }
  if (module.default === undefined) throw new PluginLoadError(source.specifier, `${file} has no default export`);
  return module.default;
}
