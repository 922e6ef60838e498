/**
 * The pages of this origin, in all its tabs, telling each other which new conversation's id they
 * hold, over a BroadcastChannel: a page asks "who holds <id>?" and a page holding it answers.
 *
 * ANSWER_MS is enough to wait: an open page answers from its channel handler as soon as its event
 * loop is free, a few milliseconds across tabs (a hidden tab's timers are slowed down, not the
 * messages it gets). The pages that run no handlers are not waited for: one kept in the back-forward
 * cache gave its id up on `pagehide` and takes it again on `pageshow`, and one that died never
 * answers, which is what the question finds out. One frozen by the browser (Chromium freezes some
 * long-hidden tabs) answers only once it thaws, too late, so a copy of it takes the id too: as
 * before the id was held, the visitor's conversation list is then what tells them apart.
 */
export const ANSWER_MS = 150;

export class IdHolders {
  /** None where the browser has no BroadcastChannel. `holds` says whether this page holds an id asked about. */
  static open(name: string, holds: (id: string) => boolean): IdHolders | undefined {
    return typeof BroadcastChannel === 'function' ? new IdHolders(new BroadcastChannel(name), holds) : undefined;
  }

  private constructor(
    private readonly channel: BroadcastChannel,
    holds: (id: string) => boolean,
  ) {
    channel.addEventListener('message', (event) => {
      const { who } = said(event);
      if (typeof who === 'string' && holds(who)) channel.postMessage({ holds: who });
    });
  }

  /** Calls `answered` with whether another page says, within ANSWER_MS, that it holds `id`; the function returned stops waiting. */
  ask(id: string, answered: (held: boolean) => void): () => void {
    const stop = () => {
      clearTimeout(silence);
      this.channel.removeEventListener('message', onAnswer);
    };
    const onAnswer = (event: MessageEvent) => {
      if (said(event).holds !== id) return;
      stop();
      answered(true);
    };
    const silence = setTimeout(() => {
      stop();
      answered(false);
    }, ANSWER_MS);
    this.channel.addEventListener('message', onAnswer);
    this.channel.postMessage({ who: id });
    return stop;
  }

  /** The page goes: it neither asks nor answers any more. */
  close(): void {
    this.channel.close();
  }
}

/** A message's fields, whatever another script of the origin may have posted on the channel. */
function said(event: MessageEvent): { who?: unknown; holds?: unknown } {
  const data: unknown = event.data;
  return typeof data === 'object' && data !== null ? data : {};
}
