/**
 * `window.SupportChat`, what the customer's page calls: `SupportChat.identify({externalId, userHash,
 * email?, name?})`, `SupportChat.reset()`, `SupportChat.open()`, `SupportChat.close()`, or the same
 * as `SupportChat('identify', {…})`. Before widget.js has loaded, the snippet's queueing function
 * (`window.SupportChat = window.SupportChat || function () { (SupportChat.q = SupportChat.q || []).push(arguments) }`)
 * queues the calls in `SupportChat.q`; they are done in order once it has. Misuse is said on the
 * console, naming the field, and never thrown into the page.
 */
import { parseIdentity } from './identity-argument';
import type { SupportChat } from './support-chat';

type Command = 'identify' | 'reset' | 'open' | 'close';

export interface SupportChatApi {
  (command: Command, argument?: unknown): void;
  identify(argument: unknown): void;
  reset(): void;
  open(): void;
  close(): void;
  /** The queueing function's calls, before widget.js has loaded. */
  q?: ArrayLike<unknown>[];
}

declare global {
  interface Window {
    SupportChat?: SupportChatApi;
  }
}

/** A command named in a message, whatever the page passed (a BigInt or a cycle, which JSON cannot write, too). */
const nameOf = (command: unknown): string => (typeof command === 'string' ? JSON.stringify(command) : typeof command);

const isCall = (call: unknown): call is ArrayLike<unknown> =>
  typeof call === 'object' && call !== null && typeof (call as { length?: unknown }).length === 'number';

/** Replaces the snippet's queueing function (if any) with the API, after doing the calls it queued. */
export function installApi(chat: SupportChat): void {
  const queued = window.SupportChat?.q ?? [];
  const run = (command: unknown, argument?: unknown): void => {
    if (command === 'identify') {
      const parsed = parseIdentity(argument);
      if ('identity' in parsed) {
        if (parsed.leftOut) console.warn(`Support chat: SupportChat.identify: ${parsed.leftOut}`);
        return chat.identify(parsed.identity);
      }
      return console.error(`Support chat: SupportChat.identify was not done: ${parsed.problem}`);
    }
    if (command === 'reset') return chat.reset();
    if (command === 'open') return chat.open();
    if (command === 'close') return chat.close();
    console.error(`Support chat: SupportChat has no command ${nameOf(command)} (identify, reset, open or close)`);
  };
  // A page's own `q` may hold anything: only calls (argument lists) are done.
  for (const call of Array.isArray(queued) ? queued : []) if (isCall(call)) run(call[0], call[1]);
  window.SupportChat = Object.assign((command: Command, argument?: unknown) => run(command, argument), {
    identify: (argument: unknown) => run('identify', argument),
    reset: () => run('reset'),
    open: () => run('open'),
    close: () => run('close'),
  });
}
