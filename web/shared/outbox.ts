/**
 * One conversation's side of the composer, kept while the reader is elsewhere (another
 * conversation, the widget's list) so nothing written is lost by looking away: what is being
 * written (and whether as a note), its file, and the messages sent and not yet stored. Those go
 * one after the other, in order; a send that fails stops the line until Retry or Discard.
 */
import { clientId } from './api-client';
import { showError } from './toast';

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
}

/** Sent while as many wait: the writer retries or discards those first. */
const MAX_WAITING = 20;

export class Outbox {
  writing: Writing;
  /** Sent and not yet stored, oldest first. */
  readonly waiting: Draft[];
  sending = false;
  /** A send failed: the line waits for Retry or Discard. */
  stalled: boolean;
  private view: OutboxView | undefined;

  /**
   * `deliver` stores one message or throws, calling `keep` when it changed the draft (its file
   * uploaded) so that is kept at once; `onChange` hears of every change (to keep it). What
   * was `kept` from an earlier page waits for Retry: it may have failed, or been cut off by the reload.
   */
  constructor(
    private readonly deliver: (draft: Draft, keep: () => void) => Promise<void>,
    private readonly onChange: (outbox: Outbox) => void,
    kept: { writing?: Writing; waiting?: readonly Draft[] } = {},
  ) {
    this.writing = kept.writing ?? { text: '', asNote: false };
    this.waiting = [...(kept.waiting ?? [])];
    this.stalled = this.waiting.length > 0;
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
    this.changed();
  }

  /** Sends what is written (a note stays a note, whatever the switch says later): false when there is nothing to send or too much waits already. */
  send(): boolean {
    const { text, asNote, file } = this.writing;
    if (!text.trim() && !file) return false;
    if (this.waiting.length >= MAX_WAITING) {
      showError(new Error(`${MAX_WAITING} messages are waiting to be sent: retry or discard them first.`));
      return false;
    }
    this.waiting.push({ id: clientId('item'), text: text.trim(), asNote, ...(file ? { file } : {}) });
    this.writing = { text: '', asNote };
    this.changed();
    void this.drain();
    return true;
  }

  retry(): void {
    this.stalled = false;
    this.changed();
    void this.drain();
  }

  discard(): void {
    this.waiting.length = 0;
    this.stalled = false;
    this.changed();
  }

  private async drain(): Promise<void> {
    if (this.sending || this.stalled) return;
    this.sending = true;
    this.changed();
    for (let draft = this.waiting[0]; draft && !this.stalled; draft = this.waiting[0]) {
      try {
        await this.deliver(draft, () => this.onChange(this));
        this.waiting.shift();
      } catch (error) {
        showError(error);
        this.stalled = true;
      }
      this.changed();
    }
    this.sending = false;
    this.changed();
    this.view?.settled();
  }

  private changed(): void {
    this.onChange(this);
    this.view?.changed();
  }
}
