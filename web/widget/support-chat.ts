/**
 * The embedded widget's life on the customer's page: it starts (trying again with backoff while the
 * chat server cannot be reached), is identified as the website's signed-in user, reset when they
 * sign out, opened and closed. What the page asks for is done in order, each step after the one
 * before, so an identify asked for before the widget has started waits for it. Nothing here
 * throws into the page: failures are said on the console. The calls queued before the script
 * loaded are taken before it starts, so an identify of another user than the one remembered
 * starts a new visitor without showing the previous user's conversations first.
 */
import { ApiError, type Identity } from '../shared/api-client';
import { backoffDelay } from '../shared/backoff';
import { showToastsIn } from '../shared/toast';
import type { EmbedSettings } from './embed-settings';
import { loadRefusal } from './load-refusal';
import { createShadowHost } from './shadow-host';
import { forgetVisitor, identifiedAs, rememberIdentified, startVisitorSession, type VisitorSession } from './visitor-session';
import { SupportWidget } from './widget';

/** A refusal only guessed is tried again this seldom: a page of an origin really refused would ask in vain. */
const GUESSED_REFUSAL_RETRY_MS = 60_000;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** An async or deferred script may run before the body exists. */
const bodyReady = (): Promise<void> =>
  document.body ? Promise.resolve() : new Promise((resolve) => document.addEventListener('DOMContentLoaded', () => resolve(), { once: true }));

export class SupportChat {
  private steps: Promise<void> = Promise.resolve();
  private root: ShadowRoot | undefined;
  private session: VisitorSession | undefined;
  private widget: SupportWidget | undefined;
  /** The origin or key was refused: nothing more is tried. */
  private refused = false;
  /** A refusal was said on the console: said once, however often it is tried again. */
  private refusalSaid = false;
  /** Open asked for before the widget was there, or kept across a reset. */
  private openWanted = false;
  /** How many times this device's visitor was forgotten: a session asked for before the last time is not theirs. */
  private visitorsForgotten = 0;

  constructor(private readonly settings: EmbedSettings) {}

  start(): void {
    this.then(() => this.connect());
  }

  /**
   * Links this device's visitor to the website's user; one linked to another user starts as a new
   * visitor first. A reset asked for after this call (the user signed out before it was done) ends
   * it wherever it is: the visitor it would link is no longer theirs.
   */
  identify(identity: Identity): void {
    let forgotten = this.visitorsForgotten;
    /** Forgets the visitor as this identify's own step, so only a reset from the page ends it. */
    const startOver = async () => {
      this.forgetVisitorNow();
      forgotten = this.visitorsForgotten;
      await this.connect();
    };
    const resetSince = () => forgotten !== this.visitorsForgotten;
    this.then(async () => {
      if (resetSince()) return;
      const { publicKey } = this.settings;
      const previous = identifiedAs(publicKey);
      // Another user on this browser: what the previous one saw is not theirs.
      if (previous !== undefined && previous !== identity.externalId) await startOver();
      else await this.connect();
      if (resetSince() || !this.session) return;
      try {
        await this.session.api.identify(identity);
      } catch (error) {
        if (!(error instanceof ApiError && error.status === 409)) throw error;
        if (resetSince()) return;
        // This visitor id is another contact's (the server keeps a device to one user): a new visitor id is identified instead.
        await startOver();
        if (resetSince() || !this.session) return;
        await this.session.api.identify(identity);
      }
      if (resetSince()) return;
      rememberIdentified(publicKey, identity.externalId);
      await this.widget?.refresh();
    });
  }

  /**
   * The website's user signed out (a shared computer): this device's visitor is forgotten, and the
   * widget starts as a new anonymous one. Forgotten at once, not after a start still under way (the
   * server not reached yet): what that start would show is the previous user's.
   */
  reset(): void {
    this.forgetVisitorNow();
    this.then(() => this.connect());
  }

  open(): void {
    this.openWanted = true;
    this.widget?.setOpen(true);
  }

  close(): void {
    this.openWanted = false;
    this.widget?.setOpen(false);
  }

  private then(step: () => Promise<void>): void {
    this.steps = this.steps.then(step).catch((error: unknown) => console.error('Support chat:', error instanceof Error ? error.message : error));
  }

  /** Takes the widget down and forgets this device's visitor, and any session a start under way gets for them. */
  private forgetVisitorNow(): void {
    this.openWanted = this.widget?.isOpen ?? this.openWanted;
    this.widget?.unmount();
    this.widget = undefined;
    this.session = undefined;
    this.visitorsForgotten++;
    forgetVisitor(this.settings.publicKey);
  }

  /** Unless shown already: starts the visitor's session, again and again with backoff while the server cannot be reached, and shows the widget. */
  private async connect(): Promise<void> {
    if (this.refused || this.widget) return;
    const { publicKey, origin } = this.settings;
    let session: VisitorSession | undefined;
    let askedAgain = false;
    for (let attempt = 0; !session; attempt++) {
      let forgotten = this.visitorsForgotten;
      try {
        session = await startVisitorSession(publicKey, origin);
        if (forgotten !== this.visitorsForgotten) {
          // Forgotten while it was asked for: the id it kept is the previous visitor's.
          forgetVisitor(publicKey);
          session = undefined;
        }
      } catch (error) {
        const refusal = await loadRefusal(error, origin, publicKey);
        // A server found up just after a call failed may only then have come back: the first such guess
        // is checked with one more call at once, before the page waits a minute on a refusal.
        if (refusal && !refusal.final && !askedAgain) {
          askedAgain = true;
          continue;
        }
        if (refusal && !this.refusalSaid) console.error(refusal.message);
        this.refusalSaid ||= refusal !== undefined;
        if (refusal?.final) {
          this.refused = true;
          return;
        }
        await sleep(refusal ? GUESSED_REFUSAL_RETRY_MS : backoffDelay(attempt));
      }
    }
    await bodyReady();
    this.root ??= createShadowHost();
    showToastsIn(this.root);
    this.session = session;
    const widget = new SupportWidget(session, { pageContext: this.settings.pageContext });
    this.widget = widget;
    await widget.mount(this.root);
    // Reset while it mounted: that widget is gone already, and the start after the reset shows the next.
    if (this.widget === widget && this.openWanted) widget.setOpen(true);
  }
}
