/**
 * A reader's context that notes what it answered: the names it gave, the times it told, whose
 * items the reader wrote, whom an assignment took the conversation from. Views described from it
 * (describeItem) read nothing else that can change, so they would come out the same again while
 * `unchanged` holds; asking again only the questions asked, once each, costs as much as the team
 * has names and the timeline assignments, not as the timeline has items.
 */
import type { ReaderContext } from './item-view';

export class ContextAnswers {
  /** Each question asked since `forget`, by what it asked: how to ask it again, and its answer. */
  private readonly answers = new Map<string, { ask: () => unknown; answer: unknown }>();
  /** To describe items from: the reader's context, noting its answers. */
  readonly context: ReaderContext;

  constructor(context: ReaderContext) {
    const { formatTime, assigneeBefore } = context;
    this.context = {
      reader: context.reader,
      nameOf: (memberId) => this.note(`nameOf ${memberId}`, () => context.nameOf(memberId)),
      isOwn: (actor) => this.note(`isOwn ${actor.kind} ${actor.id}`, () => context.isOwn(actor)),
      ...(formatTime && { formatTime: (iso: string) => this.note(`formatTime ${iso}`, () => formatTime(iso)) }),
      ...(assigneeBefore && { assigneeBefore: (seq: number) => this.note(`assigneeBefore ${seq}`, () => assigneeBefore(seq)) }),
    };
  }

  /** Whether the context answers every question noted as it did (no name learnt, no day passed since). */
  unchanged(): boolean {
    for (const { ask, answer } of this.answers.values()) if (ask() !== answer) return false;
    return true;
  }

  /** Forgets the answers noted: the views described from them are described again. */
  forget(): void {
    this.answers.clear();
  }

  private note<T>(question: string, ask: () => T): T {
    const answer = ask();
    this.answers.set(question, { ask, answer });
    return answer;
  }
}
