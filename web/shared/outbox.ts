/**
 * One conversation's side of the composer, kept while the reader is elsewhere (another
 * conversation, the widget's list) so nothing written is lost by looking away: what is being
 * written (and whether as a note), its file, and the messages sent and not yet stored. Those go
 * one after the other, in order; a send that fails stops the line until Retry or Discard. One the
 * server refuses for good (its text too long, its file refused) steps aside, marked with the
 * reason, for the writer to edit or discard: the messages after it go on.
 */
import { messageTextProblem } from '../../domain/message-text';
import { clientId, isRefusal } from './api-client';
import { errorText, showError, showNote } from './toast';

/** A message as the writer sent it. */
export interface Draft {
  /** The item's id, made when it is sent: its retries carry it too. */
  id: string;
  text: string;
  asNote: boolean;
  /** The file picked for it; a page loaded again cannot read it again. */
  file?: File;
  /** Its file's id once uploaded: a retry (also on a page loaded again) names the same file, so its item is the same. */
  fileId?: string;
  /** Why the server refused it for good: sent as it is it would be refused again, so it is not sent again. */
  refusal?: string;
}

/** What is in the box, not sent yet. */
export interface Writing {
  text: string;
  asNote: boolean;
  file?: File;
}

/** The composer on screen for the conversation. */
export interface OutboxView {
  changed(): void;
  /** The line has stopped: everything went, or a send failed. */
  settled(): void;
  /** What is in the box changed other than by the composer's own hand (a message put back in it): show it again. */
  rewritten(): void;
}


/**
 * A message's file is gone: the server removed it (uploaded and not attached in time) and the page
 * cannot read it again (it was loaded again since).
 */
export class FileGoneError extends Error {
  constructor() {
    super('The file of a message not sent is no longer on the server: its text is back in the box, attach the file again to send it.');
  }
}

/** Sent while as many wait: the writer retries or discards those first. */
const MAX_WAITING = 20;

export class Outbox {
  writing: Writing;
  /** Sent and not yet stored, oldest first, those the server refused (`refusal`) among them. */
  readonly waiting: Draft[];
  sending = false;
  /** A send failed (the network, the server's trouble): the line waits for Retry or Discard. */
  stalled: boolean;
  /** The message being sent: what `forgetStored` leaves, as its send ends by itself. */
  private onItsWay: Draft | undefined;
  /** The reader signed out: nothing more is sent. */
  private closed = false;
  private view: OutboxView | undefined;

  /**
   * `deliver` stores one message or throws, calling `keep` when it changed the draft (its file
   * uploaded) so that is kept at once; `onChange` hears of every change (to keep it), `keepNow`
   * when it is one to keep at once: the messages waiting, which a page ending a moment later must
   * neither lose nor send again; the text being typed may wait. What was `kept` from an earlier
   * page waits for Retry: it may have failed, or been cut off by the reload.
   */
  constructor(
    private readonly deliver: (draft: Draft, keep: () => void) => Promise<void>,
    private readonly onChange: (outbox: Outbox, keepNow: boolean) => void,
    kept: { writing?: Writing; waiting?: readonly Draft[] } = {},
  ) {
    this.writing = kept.writing ?? { text: '', asNote: false };
    this.waiting = [...(kept.waiting ?? [])];
    this.stalled = this.waiting.some((draft) => !draft.refusal);
  }

  /** Nothing written, nothing waiting (the Note switch left on is not worth keeping on its own). */
  get isEmpty(): boolean {
    return !this.writing.text && !this.writing.file && this.waiting.length === 0;
  }

  /** Shows the outbox in `view`, the one composer that shows it from now on. */
  show(view: OutboxView): void {
    this.view = view;
  }

  write(change: Partial<Writing>): void {
    this.writing = { ...this.writing, ...change };
    this.changed(false);
  }

  /**
   * Sends what is written (a note stays a note, whatever the switch says later): false when there
   * is nothing to send, too much waits already, or the server would refuse the text (too long, say:
   * it stays in the box, with the reason shown, to be shortened).
   */
  send(): boolean {
    const { text, asNote, file } = this.writing;
    if (!text.trim() && !file) return false;
    const problem = text.trim() ? messageTextProblem(text.trim()) : undefined;
    if (problem) {
      showError(new Error(`This message can't be sent: ${problem}.`));
      return false;
    }
    if (this.waiting.length >= MAX_WAITING) {
      showError(new Error(`${MAX_WAITING} messages are waiting to be sent: retry or discard them first.`));
      return false;
    }
    this.waiting.push({ id: clientId('item'), text: text.trim(), asNote, ...(file ? { file } : {}) });
    this.writing = { text: '', asNote };
    this.changed(true);
    void this.drain();
    return true;
  }

  /** The messages the server refused, to edit or discard. */
  get refused(): Draft[] {
    return this.waiting.filter((draft) => draft.refusal);
  }

  /** The message the stalled line stopped at. */
  get failed(): Draft | undefined {
    return this.stalled ? this.waiting.find((draft) => !draft.refusal) : undefined;
  }

  retry(): void {
    this.stalled = false;
    this.changed(false);
    void this.drain();
  }

  /** Throws away one message (by default the one the line stopped at); the others stay as they were. */
  discard(draft: Draft | undefined = this.failed): void {
    if (!draft || !this.remove(draft)) return;
    if (!this.waiting.some((left) => !left.refusal)) this.stalled = false;
    this.changed(true);
  }

  /** Takes a message refused (or stopped) out of the line and puts it back in the box to be put right. */
  edit(draft: Draft): void {
    if (draft === this.onItsWay || !this.waiting.includes(draft)) return;
    // Its file comes back only if the page can still read it (not after a reload) and the box holds none.
    const fileStaysOut = (draft.file !== undefined || draft.fileId !== undefined) && (draft.file === undefined || this.writing.file !== undefined);
    this.backInTheBox(draft);
    if (fileStaysOut) showNote(`The file of that message${draft.file ? ` (${draft.file.name})` : ''} is not back in the box with its text: attach it again to send it.`);
    if (!this.waiting.some((left) => !left.refusal)) this.stalled = false;
    this.changed(true);
  }

  /**
   * Forgets the messages waiting that the server has stored (`items`: the conversation's, read
   * since): sent before a reload, their answers lost. Not one on its way: its send ends by itself.
   */
  forgetStored(items: ReadonlyArray<{ id: string }>): void {
    const stored = new Set(items.map((item) => item.id));
    const left = this.waiting.filter((draft) => draft === this.onItsWay || !stored.has(draft.id));
    if (left.length === this.waiting.length) return;
    this.waiting.splice(0, this.waiting.length, ...left);
    if (!this.waiting.some((draft) => !draft.refusal)) this.stalled = false;
    this.changed(true);
  }

  /** Sends nothing more (the reader signs out): a message on its way ends, those after it stay. */
  close(): void {
    this.closed = true;
  }

  private async drain(): Promise<void> {
    if (this.sending || this.stalled || this.closed) return;
    this.sending = true;
    this.view?.changed(); // Not kept (a page loaded again sends nothing by itself): only shown.
    const next = () => this.waiting.find((draft) => !draft.refusal);
    for (let draft = next(); draft && !this.stalled && !this.closed; draft = next()) {
      this.onItsWay = draft;
      try {
        await this.deliver(draft, () => this.onChange(this, true));
        this.remove(draft);
      } catch (error) {
        showError(error);
        if (error instanceof FileGoneError) this.backInTheBox(draft);
        else if (isRefusal(error)) draft.refusal = errorText(error);
        else this.stalled = true;
      }
      this.changed(true);
    }
    this.onItsWay = undefined;
    this.sending = false;
    this.view?.changed();
    this.view?.settled();
  }

  /**
   * A message that cannot go as it is leaves the line, its text back in the box before what is
   * written there (and its file, when the box has none and the page can still read it); a note's
   * turns the Note switch on, so it is never sent to the visitor by mistake.
   */
  private backInTheBox(draft: Draft): void {
    this.remove(draft);
    const text = [draft.text, this.writing.text].filter(Boolean).join('\n');
    const file = this.writing.file ?? draft.file;
    this.writing = { ...this.writing, text, asNote: this.writing.asNote || draft.asNote, ...(file ? { file } : {}) };
    this.view?.rewritten();
  }

  /** Whether it was waiting (a send that ends after the writer discarded it finds it gone). */
  private remove(draft: Draft): boolean {
    const at = this.waiting.indexOf(draft);
    if (at >= 0) this.waiting.splice(at, 1);
    return at >= 0;
  }

  private changed(keepNow: boolean): void {
    this.onChange(this, keepNow);
    this.view?.changed();
  }
}
