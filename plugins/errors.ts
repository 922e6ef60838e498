/** Errors about plugins: at start-up (`PluginLoadError`) and at run time (`ERR_PLUGIN_HOOK_FAILED`). */
import type { z } from 'zod';
import { AppError } from '../domain/errors';
import type { HookName } from './types';

/** A plugin could not be loaded; start-up stops. `plugin` is its name, or its configured specifier before its name is known. */
export class PluginLoadError extends Error {
  constructor(
    readonly plugin: string,
    reason: string,
    options?: { cause?: unknown },
  ) {
    super(`Plugin "${plugin}" cannot be loaded: ${reason}`, options);
    this.name = 'PluginLoadError';
  }
}

/** What went wrong in a hook, as data (the workflow reports failures this way instead of throwing). */
export interface HookFailure {
  readonly plugin: string;
  readonly hook: HookName;
  readonly message: string;
}

const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/**
 * The error a hook's throw becomes: an `AppError` is a deliberate rejection and passes through;
 * anything else is `ERR_PLUGIN_HOOK_FAILED` naming the plugin and the hook.
 */
export function hookError(plugin: string, hook: HookName, thrown: unknown): AppError {
  if (thrown instanceof AppError) return thrown;
  const failure: HookFailure = { plugin, hook, message: messageOf(thrown) };
  const error = new AppError('ERR_PLUGIN_HOOK_FAILED', `Plugin "${plugin}" hook "${hook}" failed: ${failure.message}`, failure);
  // The plugin's own error, so that its stack (where the plugin threw) reaches logs and activity failures;
  // not enumerable, so serializers that walk an error's fields do not copy whatever the plugin threw (a client's request and headers).
  Object.defineProperty(error, 'cause', { value: thrown, enumerable: false, configurable: true, writable: true });
  return error;
}

/** Runs a synchronous hook, turning a throw into `hookError`. */
export function callHook<T>(plugin: string, hook: HookName, run: () => T): T {
  try {
    return run();
  } catch (thrown) {
    throw hookError(plugin, hook, thrown);
  }
}

/** One failing field: its dotted path from the validated object, and why. */
export interface FieldIssue {
  readonly path: string;
  readonly message: string;
}

/** Zod's issues as failing fields under `prefix`: a key a strict schema does not know is named itself, not the object holding it. */
export function fieldIssuesOf(issues: readonly z.core.$ZodIssue[], prefix: readonly PropertyKey[] = []): FieldIssue[] {
  return issues.flatMap((issue) => {
    const path = [...prefix, ...issue.path].map(String);
    if (issue.code === 'unrecognized_keys') return issue.keys.map((key) => ({ path: [...path, key].join('.'), message: 'unknown field' }));
    return [{ path: path.join('.'), message: issue.message }];
  });
}

/** `ERR_INVALID_INPUT` whose details name every failing field, with paths prefixed by `prefix`. */
export function invalidInput(what: string, issues: readonly z.core.$ZodIssue[], prefix: readonly PropertyKey[] = []): AppError {
  const details = fieldIssuesOf(issues, prefix);
  const summary = details.map((d) => (d.path ? `${d.path}: ${d.message}` : d.message)).join('; ');
  return new AppError('ERR_INVALID_INPUT', `Invalid ${what}: ${summary}`, details);
}
