/**
 * The product's activities (conversation, AI, routing, plugin effects) wired to their services.
 * Both engine set-ups use it: the embedded engine's thread and a Temporal worker in the server.
 */
import { createActivities } from '../activities';
import { createModelResolver } from '../activities/ai';
import type { Store } from '../activities/store';
import type { PluginRegistry } from '../plugins/registry';
import { aiTypingRelay } from './ai-typing';
import type { LateEngine } from './engine/late-engine';

export interface ProductActivityDeps {
  store: Store;
  plugins: PluginRegistry;
  openai: { apiKey?: string; baseUrl?: string };
  /** The engine the activities run on; routing activities call it, and it is created with them. */
  engine: LateEngine;
}

export function productActivities({ store, plugins, openai, engine }: ProductActivityDeps) {
  return createActivities({
    store,
    plugins,
    resolveModel: createModelResolver({ apiKey: openai.apiKey, baseURL: openai.baseUrl }),
    engine: () => engine.get(),
    publishTyping: aiTypingRelay(store),
    upForMs: () => process.uptime() * 1000,
  });
}
