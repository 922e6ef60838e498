/**
 * The drawing of a part of the page, held while the user is in the middle of a gesture in it, and
 * made (the latest one asked for) as soon as it ends. Carrying focus, typed text and a choice over to
 * elements drawn anew (mountKeepingEdits) covers a user resting on a control, but not one midway
 * through using it: the browser keeps that gesture with the element, and taking the element out
 * ends it. A mouse button or a key pressed (a click, or Space on a button, acts on its release, on
 * the element pressed: released over one drawn anew, it does nothing), an input method composing,
 * a select's menu open (it closes). Such a gesture lasts a moment, so a colleague's change it held
 * shows right after.
 */
import { openMenuIn } from './dom';

/** How often a draw held by an open select menu looks again whether it has closed: a menu closed with Escape tells the page nothing. */
const MENU_CHECK_MS = 200;

export class HeldDraws {
  private readonly pointers = new Set<number>();
  private readonly keys = new Set<string>();
  private composing = false;
  private held: (() => void) | undefined;
  /** Listens on the window while a gesture is under way (its end may come from anywhere), and only then. */
  private listening: AbortController | undefined;
  private menuCheck: ReturnType<typeof setTimeout> | undefined;
  private pressCheck: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly area: HTMLElement) {
    area.addEventListener('pointerdown', (event) => this.begin(() => this.pointers.add(event.pointerId)));
    area.addEventListener('keydown', (event) => this.begin(() => this.keys.add(event.code)));
    area.addEventListener('compositionstart', () => (this.composing = true));
    area.addEventListener('compositionend', () => this.end(() => (this.composing = false)));
    // A menu's choice (change) or leaving it (focusout) may be all the page hears as it closes.
    area.addEventListener('change', () => this.end());
    area.addEventListener('focusout', () => this.end());
  }

  /** Draws now, or, in the middle of a gesture, once it ends (the latest draw asked for by then). */
  draw(draw: () => void): void {
    if (!this.inGesture()) return draw();
    this.held = draw;
    this.checkMenuLater();
  }

  private inGesture(): boolean {
    if (this.menuOpen()) {
      this.forgetPresses();
      return true;
    }
    return this.pointers.size > 0 || this.keys.size > 0 || this.composing;
  }

  /** The press that opened a menu is the menu's now: its release goes there, and may never be heard of here. */
  private forgetPresses(): void {
    this.pointers.clear();
    this.keys.clear();
  }

  /**
   * Looks, while presses are held (at once, then every MENU_CHECK_MS), for a menu one of them opened,
   * whose presses are then forgotten: else, with no draw asked for while the menu was open, they
   * would hold every draw after it closed, until the same key or button was pressed again.
   */
  private watchForMenu(): void {
    clearTimeout(this.pressCheck);
    const check = () => {
      if (this.menuOpen()) this.forgetPresses();
      if (this.pointers.size > 0 || this.keys.size > 0) this.pressCheck = setTimeout(check, MENU_CHECK_MS);
    };
    this.pressCheck = setTimeout(check);
  }

  private menuOpen(): boolean {
    return openMenuIn(this.area) !== null;
  }

  private begin(take: () => void): void {
    take();
    this.watchForMenu();
    if (this.listening) return;
    this.listening = new AbortController();
    const options = { capture: true, signal: this.listening.signal };
    const lifted = (event: PointerEvent) => this.end(() => this.pointers.delete(event.pointerId));
    window.addEventListener('pointerup', lifted, options);
    window.addEventListener('pointercancel', lifted, options);
    window.addEventListener('keyup', (event) => this.end(() => this.keys.delete(event.code)), options);
    // Keys released in another window are never heard of here.
    window.addEventListener('blur', () => this.end(() => this.keys.clear()), options);
  }

  /** A gesture (or part of one) ended: the draws held are made once this event is done (its click included). */
  private end(take?: () => void): void {
    take?.();
    if (this.pointers.size === 0 && this.keys.size === 0) {
      this.listening?.abort();
      this.listening = undefined;
    }
    setTimeout(() => this.drawHeld());
  }

  private drawHeld(): void {
    const draw = this.held;
    if (!draw || this.inGesture()) return this.checkMenuLater();
    this.held = undefined;
    draw();
  }

  private checkMenuLater(): void {
    clearTimeout(this.menuCheck);
    if (this.held && this.menuOpen()) this.menuCheck = setTimeout(() => this.drawHeld(), MENU_CHECK_MS);
  }
}
