/**
 * The plugin API's types: what a plugin declares, and every hook it may implement.
 *
 * A plugin has two parts. Its **workflow part** (`workflow.ts`, a `Plugin` from `definePlugin`)
 * is pure: schema, visibility, creators, summary, reaction, actions. It is bundled into the
 * Temporal workflow sandbox and also used by the server. Its optional **activity part**
 * (`activity.ts`, a `PluginEffects` from `definePluginEffects`) holds side effects and runs only
 * in activities. See docs/plugins.md for where and how often each hook runs.
 */
import type { z } from 'zod';
import type {
  Author,
  AuthorKind,
  ConversationLifecycle,
  ConversationStatus,
  ItemArrival,
  LifecycleOperation,
  Visibility,
} from '../domain';

/** Fields of a type's payload. */
export type ItemFields = Record<string, unknown>;

/**
 * The schema of a type's payload: a zod object (refinements allowed). It describes the type's own
 * fields and, when the type uses it, the base field `text`; the other base fields
 * (`id, conversationId, seq, type, visibility, author, createdAt`) are the registry's.
 */
export type PayloadSchema = z.ZodObject;

/** The parsed own fields of a schema (its output without `text`, which is a base field). */
export type FieldsOf<S extends PayloadSchema> = Omit<z.output<S>, 'text'>;

/** An item as every hook sees it: what the workflow hears on arrival, with typed fields. */
export type HookItem<F = ItemFields> = Readonly<Omit<ItemArrival, 'fields'> & { fields: Readonly<F> }>;

/** Argument of `reduceSummary`. */
export interface SummaryArgs<F = ItemFields> {
  readonly item: HookItem<F>;
}

/** Argument of `reduceArrival`. */
export interface ArrivalArgs<F = ItemFields> {
  readonly item: HookItem<F>;
  readonly conversation: Readonly<ConversationLifecycle>;
}

/** Argument of `reduceAnswer`: the interactive item, the parsed answer, and who answers. */
export interface AnswerArgs<F = ItemFields, A = unknown> {
  readonly item: HookItem<F>;
  readonly answer: A;
  readonly author: Author;
}

/** Argument of `onItemCreated`. */
export interface ItemCreatedArgs<F = ItemFields> {
  readonly item: HookItem<F>;
  readonly conversationId: string;
}

/** A new item as a caller submits it, before validation. */
export interface NewItemInput {
  readonly type: string;
  readonly text?: string;
  readonly visibility?: Visibility;
  readonly [field: string]: unknown;
}

/** What `reduceAnswer` returns: the item recording the answer, and fields to change on the interactive item. */
export interface AnswerOutcome<F = ItemFields> {
  readonly reply: NewItemInput;
  readonly patch?: Partial<F>;
}

/**
 * Every hook, in one place. `reduce…` hooks return a value and must be pure; `on…` hooks observe.
 * A hook that throws `AppError` rejects on purpose (the error reaches the caller as it is); any
 * other throw is a failure reported as `ERR_PLUGIN_HOOK_FAILED` naming the plugin and the hook.
 */
export interface ItemTypeHooks<F = ItemFields, A = unknown> {
  /**
   * Plain-text summary (inbox preview, AI context, transcripts, notifications).
   * Workflow part; runs in the server, activities and workflows, as often as summaries are needed.
   */
  reduceSummary(args: SummaryArgs<F>): string;
  /**
   * Lifecycle operations the conversation workflow applies when such an item arrives; they go
   * through the same validators as an agent's. Workflow part; runs in the workflow, once per
   * arrival and again on every replay: it must be deterministic.
   */
  reduceArrival(args: ArrivalArgs<F>): LifecycleOperation[];
  /**
   * Turns a validated answer to one of the type's actions into a new item (and a patch of the
   * interactive item). Workflow part; runs in the server, once per answer.
   */
  reduceAnswer(args: AnswerArgs<F, A>): AnswerOutcome<F>;
  /**
   * Side effects after an item of this type is stored (e.g. call an external system).
   * Activity part; runs in an activity, at least once (retried on failure), never on replay.
   */
  onItemCreated(args: ItemCreatedArgs<F>): Promise<void>;
}

/** Hook names as errors report them; `schema` is the payload validation itself. */
export type HookName = keyof ItemTypeHooks | 'schema';

/** An action on an interactive item (a button or a small form). */
export interface ItemAction<F = ItemFields, A = unknown> {
  /** Who may answer. */
  readonly answeredBy: readonly AuthorKind[];
  /** Schema of the answer. */
  readonly schema: z.ZodType<A>;
  readonly reduceAnswer: ItemTypeHooks<F, A>['reduceAnswer'];
}

/** An item type's pure declaration: the workflow part. */
export interface ItemType<F = ItemFields> {
  /** Namespaced name: lowercase, digits and `_`, dots between namespaces (`acme.order_status`). */
  readonly name: string;
  readonly schema: PayloadSchema;
  /** Default visibility. A `private` type is always private; a `public` one may be posted privately by the team. */
  readonly visibility: Visibility;
  /** Who may create it; a visitor never creates a private type. */
  readonly creators: readonly AuthorKind[];
  /**
   * The conversation statuses in which a caller may post it (absent: any), checked where the server
   * knows the conversation (a rating, once the conversation is resolved). Items the workflow's
   * activities write are not held to it.
   */
  readonly acceptedWhile?: readonly ConversationStatus[];
  readonly reduceSummary: ItemTypeHooks<F>['reduceSummary'];
  readonly reduceArrival?: ItemTypeHooks<F>['reduceArrival'];
  // Answers are typed per action; the registry parses each with the action's own schema first.
  readonly actions?: Readonly<Record<string, ItemAction<F, any>>>;
}

/** An item type whose fields are not known statically (how the registry holds them). */
// Hooks take the type's parsed fields; the registry only calls them with fields its schema produced.
export type AnyItemType = ItemType<any>;

/** A plugin's workflow part: the default export of its `workflow.ts`. */
export interface Plugin {
  readonly name: string;
  /** Semantic version (`1.2.0`). */
  readonly version: string;
  readonly itemTypes: readonly AnyItemType[];
}

/** The side effects of one item type. */
export interface ItemEffects<F = ItemFields> {
  readonly type: string;
  readonly onItemCreated: ItemTypeHooks<F>['onItemCreated'];
}

/** A plugin's activity part: the default export of its `activity.ts`. */
export interface PluginEffects {
  /** The name of the plugin whose item types these effects belong to. */
  readonly plugin: string;
  readonly itemTypes: readonly ItemEffects<any>[];
}

/** A loaded plugin: its workflow part and, when it has one, its activity part. */
export interface LoadedPlugin {
  readonly plugin: Plugin;
  readonly effects?: PluginEffects;
}

/** Who reads: visitors see only public items of public types; the team sees everything. */
export type Audience = 'visitor' | 'team';
