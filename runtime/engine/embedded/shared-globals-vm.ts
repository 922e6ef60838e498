/**
 * The SDK's reusable VM (one V8 context for every workflow instance) with a cheaper switch between
 * workflows.
 *
 * The SDK's own switch saves every global of the outgoing workflow and restores every global of the
 * incoming one, on each activation of a different workflow: in the API benchmark, where nearly every
 * activation belongs to another conversation, that was a quarter of the engine thread's time. Here
 * the globals are shared, frozen instead of swapped: every global but the activator is made
 * read-only once the bundle is loaded (replacing one throws), and so is a global that a workflow
 * adds, once it is added (see `freezeAddedGlobals`). What differs between workflows is then only the activator, which is
 * what the SDK's workflow API and the bundle's per-workflow module cache look up, so switching is
 * one variable. Measured with the engine benchmark's counter workflow: 2.5 times the signals per
 * second of the SDK's switch.
 */
import vm from 'node:vm';
import { native } from '@temporalio/core-bridge';
import { promiseStackTrackingEnabled, ReusableVMWorkflow, ReusableVMWorkflowCreator, type SandboxWorkflow, type WorkflowCreateOptions } from './sdk-internals';

/** Where calls into the context find their arguments, and how they enter it. */
const ARGS_GLOBAL = '__SUPPORT_SCOPE_ARGS';
const SETTLE_GLOBALS = '__SUPPORT_SETTLE_ADDED_GLOBALS';
const CALL = new vm.Script('__SUPPORT_CALL_INTO_SCOPE()');

/**
 * Run once in the context after the bundle and its preloaded modules: the activator becomes a
 * variable behind an accessor, every other global read-only, and the entry point sets the activator
 * of the workflow it calls (keeping it for the microtasks that run after the call). The globals
 * are listed from inside the context: from outside, symbol-keyed ones a workflow assigns are not
 * seen.
 */
const SETUP = `{
  let activator;
  Object.defineProperty(globalThis, '__TEMPORAL_ACTIVATOR__', {
    get: () => activator,
    set: (value) => { activator = value; },
    enumerable: false,
    configurable: false,
  });
  Object.defineProperty(globalThis, '${ARGS_GLOBAL}', { value: undefined, writable: true, enumerable: false, configurable: false });
  const freeze = (key) => {
    const descriptor = Object.getOwnPropertyDescriptor(globalThis, key);
    if (!('value' in descriptor)) {
      // Behind a getter and setter, state cannot be made read-only: such a global goes where it can.
      if (descriptor.configurable) delete globalThis[key];
      return;
    }
    if (!descriptor.writable && !descriptor.configurable) return;
    // A full descriptor: through the context's interceptors a partial one loses the value.
    Object.defineProperty(globalThis, key, { value: descriptor.value, writable: false, enumerable: descriptor.enumerable, configurable: false });
  };
  for (const key of Reflect.ownKeys(globalThis)) if (key !== '${ARGS_GLOBAL}') freeze(key);
  const define = (key, value) => Object.defineProperty(globalThis, key, { value, writable: false, enumerable: false, configurable: false });
  // Every global is read-only from here on and none can be removed: more keys than \`known\` means one was added.
  let known;
  define('${SETTLE_GLOBALS}', () => {
    const keys = Reflect.ownKeys(globalThis);
    if (keys.length === known.size) return;
    for (const key of keys) if (!known.has(key)) freeze(key);
    known = new Set(Reflect.ownKeys(globalThis));
  });
  define('__SUPPORT_CALL_INTO_SCOPE', () => {
    const [scope, fn, args] = globalThis.${ARGS_GLOBAL};
    globalThis.${ARGS_GLOBAL} = undefined;
    activator = scope.activator;
    try {
      return __TEMPORAL__.api[fn](...args);
    } finally {
      scope.activator = activator;
    }
  });
  known = new Set(Reflect.ownKeys(globalThis));
}`;

/** One workflow instance's part of the shared context: its activator (unset until `initRuntime`). */
interface Scope {
  activator: unknown;
}

type WorkflowModule = ConstructorParameters<typeof ReusableVMWorkflow>[3];
type Activator = ConstructorParameters<typeof ReusableVMWorkflow>[2];

export class SharedGlobalsWorkflowCreator extends ReusableVMWorkflowCreator {
  /**
   * Settles the globals a workflow added since it last ran: a plain one (a library's lazily made
   * cache, like zod's registry, or workflow code that should not) becomes read-only like the
   * others, so a library that makes it once shares it, and code that writes it again, in another
   * workflow, fails its workflow task with a TypeError instead of reading another workflow's
   * value; one behind a getter and setter is removed (unless it was made unremovable).
   */
  private readonly settleGlobals: () => void;
  /** The workflow the last call went to. */
  private current?: Scope;

  constructor(...args: ConstructorParameters<typeof ReusableVMWorkflowCreator>) {
    super(...args);
    vm.runInContext(SETUP, this.context, { timeout: this.isolateExecutionTimeoutMs, displayErrors: true });
    this.settleGlobals = this.context[SETTLE_GLOBALS as keyof typeof globalThis] as () => void;
  }

  override async createWorkflow(options: WorkflowCreateOptions): Promise<SandboxWorkflow> {
    const { context, isolateExecutionTimeoutMs: timeout } = this;
    const scope: Scope = { activator: undefined };
    const call = (fn: PropertyKey, args: unknown[]): unknown => {
      if (this.current !== scope) {
        // What the previous workflow added is settled before another one runs.
        this.settleGlobals();
        this.current = scope;
      }
      (context as Record<string, unknown>)[ARGS_GLOBAL] = [scope, fn, args];
      return CALL.runInContext(context, { timeout, displayErrors: true });
    };
    // The SDK's BaseVMWorkflow calls the workflow's runtime through this module object.
    const workflowModule = new Proxy({}, { get: (_, fn) => (...args: unknown[]) => call(fn, args) }) as WorkflowModule;
    workflowModule.initRuntime({
      ...options,
      sourceMap: this.workflowBundle.sourceMap,
      getTimeOfDay: native.getTimeOfDay,
      registeredActivityNames: this.registeredActivityNames,
      stackTracesEnabled: promiseStackTrackingEnabled(),
      patchActivationCallback: this.patchActivationCallback,
    });
    const workflow = new ReusableVMWorkflow(options.info.runId, context, scope.activator as Activator, workflowModule);
    ReusableVMWorkflowCreator.workflowByRunId.set(options.info.runId, workflow);
    return workflow;
  }
}
