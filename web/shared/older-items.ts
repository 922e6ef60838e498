/**
 * Reads a timeline's older items for its view (TimelineView): each time the reader comes near the
 * start, until a read fails. Then a "Load earlier messages" button over the timeline asks again,
 * when the reader chooses: a failure is not asked again on every scroll and every drawing, nor
 * said again each time.
 */
import { focusedElementIn, h } from './dom';
import { showError } from './toast';

export class OlderItems {
  readonly button = h('button', { type: 'button', class: 'tl-load-older', hidden: true, on: { click: () => void this.read() } }, 'Load earlier messages');
  private reading = false;
  private failed = false;

  /**
   * `load` reads the items before the first one held, if any, and has the page draw them; `onShown`
   * is told when the button, focused, went as they were drawn (focus is the view's to place).
   */
  constructor(
    private readonly load: () => Promise<void>,
    private readonly onShown: () => void,
  ) {}

  /** The reader is near the start: the older items are read, unless the last read failed. */
  nearStart(): void {
    if (!this.failed) void this.read();
  }

  private async read(): Promise<void> {
    if (this.reading) return;
    this.reading = true;
    // Not disabled: a disabled button loses a keyboard user's focus.
    this.button.setAttribute('aria-disabled', 'true');
    try {
      await this.load();
      this.failed = false;
    } catch (error) {
      this.failed = true;
      showError(error);
    } finally {
      this.reading = false;
      this.button.removeAttribute('aria-disabled');
    }
    const focused = focusedElementIn(this.button) === this.button;
    this.button.hidden = !this.failed;
    if (focused && !this.failed) this.onShown();
  }
}
