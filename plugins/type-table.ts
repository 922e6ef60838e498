/**
 * The item types of a set of plugins, checked once: shapes, names, schemas, duplicates. Pure, so
 * the workflow bundle uses it as well as the server.
 */
import { AppError } from '../domain/errors';
import { builtinPlugin } from './builtin';
import { BUILTIN_ITEM_TYPES, pluginEffectsSchema, pluginSchema } from './definition-schema';
import { describeIssues } from './declaration-issues';
import { PluginLoadError } from './errors';
import { didYouMean } from './nearest-name';
import type { AnyItemType, ItemEffects, LoadedPlugin, Plugin } from './types';

/** An item type with the plugin that contributes it. */
export interface RegisteredItemType {
  readonly plugin: string;
  readonly definition: AnyItemType;
  readonly effects?: ItemEffects;
}

export class ItemTypeTable {
  private readonly types = new Map<string, RegisteredItemType>();
  /** Names taken, with their versions: errors and logs name plugins, so two of one name would blur together. */
  private readonly pluginVersions = new Map<string, string>();

  /** Checks and registers the built-in types, then `plugins` in order; throws `PluginLoadError` naming the faulty plugin. */
  constructor(plugins: readonly LoadedPlugin[]) {
    for (const loaded of [{ plugin: builtinPlugin }, ...plugins]) this.add(loaded);
  }

  /** Every plugin registered, the built-in types' first, as `name@version`. */
  get plugins(): string[] {
    return [...this.pluginVersions].map(([name, version]) => `${name}@${version}`);
  }

  /** The registered type, if any. */
  get(type: string): RegisteredItemType | undefined {
    return this.types.get(type);
  }

  /** The registered type; `ERR_UNKNOWN_ITEM_TYPE` when there is none. */
  require(type: string): RegisteredItemType {
    const registered = this.types.get(type);
    if (!registered) {
      const known = [...this.types.keys()];
      // Not the whole list: every caller gets this answer, a visitor too, and the types name the website's plugins.
      throw new AppError('ERR_UNKNOWN_ITEM_TYPE', `Unknown item type "${type}"${didYouMean(type, known)}`, { type });
    }
    return registered;
  }

  private add({ plugin, effects }: LoadedPlugin): void {
    const name = checkShape(plugin);
    if (this.pluginVersions.has(name)) throw new PluginLoadError(name, `another plugin is named "${name}"`);
    this.pluginVersions.set(name, plugin.version);
    const effectsByType = new Map(checkEffects(plugin, effects).map((e) => [e.type, e]));
    for (const definition of plugin.itemTypes) {
      const owner = this.types.get(definition.name)?.plugin;
      if (owner !== undefined || (isBuiltinName(definition.name) && plugin !== builtinPlugin)) {
        const why = isBuiltinName(definition.name) ? 'is a built-in type' : `is already declared by plugin "${owner}"`;
        throw new PluginLoadError(name, `item type "${definition.name}" ${why}`);
      }
      this.types.set(definition.name, { plugin: name, definition, effects: effectsByType.get(definition.name) });
    }
  }
}

const isBuiltinName = (type: string): boolean => (BUILTIN_ITEM_TYPES as readonly string[]).includes(type);

/** Checks a plugin's declaration; returns its name. */
function checkShape(plugin: Plugin): string {
  const fallbackName = typeof plugin?.name === 'string' && plugin.name ? plugin.name : '(unnamed)';
  const result = pluginSchema.safeParse(plugin);
  if (!result.success) throw new PluginLoadError(fallbackName, describeIssues(pluginSchema, plugin, result.error.issues));
  return plugin.name;
}

/** Checks a plugin's activity part against its workflow part; returns its item effects. */
function checkEffects(plugin: Plugin, effects: LoadedPlugin['effects']): readonly ItemEffects[] {
  if (!effects) return [];
  const result = pluginEffectsSchema.safeParse(effects);
  if (!result.success) throw new PluginLoadError(plugin.name, `activity part: ${describeIssues(pluginEffectsSchema, effects, result.error.issues)}`);
  if (effects.plugin !== plugin.name) {
    throw new PluginLoadError(plugin.name, `activity part belongs to plugin "${effects.plugin}"`);
  }
  const unknown = effects.itemTypes.find((e) => !plugin.itemTypes.some((t) => t.name === e.type));
  if (unknown) throw new PluginLoadError(plugin.name, `activity part has effects for undeclared item type "${unknown.type}"`);
  return effects.itemTypes;
}
