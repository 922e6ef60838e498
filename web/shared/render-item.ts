/**
 * Turns an ItemView into its element: bubbles, system lines, notes, tool calls, interactive items.
 * What people wrote (texts, names, reasons) reads in the direction of its own script (written.ts).
 */
import { focusedElementIn, h } from './dom';
import { fileLabel } from './file-label';
import { timeLabel } from './format';
import type { FileView, ItemView } from './item-view';
import { showWords, written } from './written';

export interface ItemActions {
  /** The reader picked a quick reply. */
  onChooseReply?(itemId: string, optionId: string): void;
  /**
   * A file's source for the page (FileSources); files are named, not linked, without it. `again`:
   * fetch anew a file whose fetch failed (the reader asked for it, or the connection came back).
   */
  fileSource?(url: string, again?: boolean): Promise<string>;
}

/** Told to a failed image (`retryFailedFiles`): it fetches its file again. */
const RETRY_EVENT = 'tl-retry';

/** Has every image under `root` whose fetch failed fetched again (the page's connection came back). */
export function retryFailedFiles(root: ParentNode): void {
  for (const failed of root.querySelectorAll('.tl-file-failed')) failed.dispatchEvent(new Event(RETRY_EVENT));
}

/** Who wrote an item, by name. */
const authorOf = (name: string) => written('span', { class: 'tl-author' }, name);

/** What a person added to a system line (a reason, a rating's comment), after a dash. */
const detailOf = (text: string) => h('span', { class: 'tl-system-detail' }, ' — ', written('span', {}, text));

const json = (value: unknown) => JSON.stringify(value, null, 2);

/** The largest an image is shown in a timeline (components.css's .tl-file-image says the same). */
const IMAGE_BOX = { width: 220, height: 160 };

/**
 * The size an image is shown at, from the size the server read: its own, or smaller to fit the box.
 * Given before the image loads, the timeline keeps its place for it: the image, fetched after
 * the timeline is drawn (and again whenever it is redrawn), pushes nothing out of view.
 */
function shownSize({ width, height }: FileView): { width: number; height: number } | undefined {
  if (width === undefined || height === undefined) return undefined;
  const scale = Math.min(1, IMAGE_BOX.width / width, IMAGE_BOX.height / height);
  return { width: Math.max(1, Math.round(width * scale)), height: Math.max(1, Math.round(height * scale)) };
}

const fileName = (file: FileView) => fileLabel('tl-file-name', file.name, file.size);

/** Puts `next` where `shown` is; keyboard focus that was in `shown` goes to `focus`, in `next`. */
function replaceKeepingFocus(shown: Element, next: Element, focus: HTMLElement): void {
  const focused = shown.contains(focusedElementIn(shown));
  shown.replaceWith(next);
  if (focused) focus.focus();
}

/**
 * An image, fetched to be shown small inside a link that opens it. One that cannot be fetched says
 * so, with a button that fetches it again (as `retryFailedFiles` does), and takes its place once it is.
 * The button is only marked busy meanwhile: disabled, it would lose a keyboard user's focus.
 */
function renderImage(file: FileView, url: string, fileSource: NonNullable<ItemActions['fileSource']>): HTMLElement {
  const image = h('img', { class: 'tl-file-image', alt: file.name, ...shownSize(file) });
  const link = h('a', { class: 'tl-file', target: '_blank', rel: 'noopener' }, image, fileName(file));
  const retry = h('button', { type: 'button', class: 'tl-file-retry' }, 'Couldn’t load — retry');
  const failed = h('div', { class: 'tl-file tl-file-failed' }, retry, fileName(file));
  let loading = false;
  const load = (again: boolean) => {
    if (loading) return;
    loading = true;
    retry.setAttribute('aria-disabled', 'true');
    fileSource(url, again)
      .then(
        (source) => {
          link.href = source;
          image.src = source;
          replaceKeepingFocus(failed, link, link);
        },
        () => replaceKeepingFocus(link, failed, retry),
      )
      .finally(() => {
        loading = false;
        retry.removeAttribute('aria-disabled');
      });
  };
  retry.addEventListener('click', () => load(true));
  failed.addEventListener(RETRY_EVENT, () => load(true));
  load(false);
  return link;
}

/**
 * Pixels an image may have to be shown: one larger is offered as a download. A browser decodes an
 * image whole, at four bytes a pixel, whatever size it is shown at: a 250 KB PNG of 16,000 × 16,000
 * took an agent's tab over a gigabyte. 50 million is a 48-megapixel phone photo's, with room.
 */
const SHOWN_PIXELS_MAX = 50_000_000;

const tooLargeToShow = ({ width, height }: FileView): boolean => width !== undefined && height !== undefined && width * height > SHOWN_PIXELS_MAX;

/**
 * A file of a message or note. An image is shown (renderImage), unless too large to; any other file
 * is fetched only when the reader asks for it, and saved under its name.
 */
function renderFile(file: FileView, fileSource: ItemActions['fileSource']): HTMLElement {
  const url = file.url;
  if (!url || !fileSource) return h('div', { class: 'tl-file' }, fileName(file));
  if (file.image && !tooLargeToShow(file)) return renderImage(file, url, fileSource);
  const button: HTMLButtonElement = h('button', { type: 'button', class: 'tl-file tl-file-download', title: `Download ${file.name}` }, fileName(file));
  button.addEventListener('click', () =>
    fileSource(url, true).then(
      (source) => {
        button.classList.remove('tl-file-unavailable');
        h('a', { href: source, download: file.name }).click();
      },
      () => button.classList.add('tl-file-unavailable'),
    ),
  );
  return button;
}

export function renderItem(view: ItemView, actions: ItemActions = {}): HTMLElement {
  const data = { seq: view.seq, kind: view.kind };
  const time = timeLabel(view.createdAt, 'tl-time');
  switch (view.kind) {
    case 'message':
      return h(
        'div',
        { class: `tl-message tl-${view.side}${view.byAi ? ' tl-ai' : ''}`, data: { ...data, author: view.byAi ? 'ai' : view.side } },
        h('div', { class: 'tl-meta' }, authorOf(view.author), view.byAi && h('span', { class: 'tl-ai-badge' }, 'AI'), time),
        view.text && written('div', { class: 'tl-bubble' }, view.text),
        ...view.files.map((file) => renderFile(file, actions.fileSource)),
      );
    case 'system':
      return h(
        'div',
        { class: `tl-system${view.private ? ' tl-private' : ''}`, data },
        h('span', { class: 'tl-system-text' }, ...showWords(view.text)),
        view.detail && detailOf(view.detail),
      );
    case 'note':
      return h(
        'div',
        { class: 'tl-note tl-private', data },
        h('div', { class: 'tl-meta' }, h('span', { class: 'tl-label' }, 'Private note'), authorOf(view.author), time),
        view.text && written('div', { class: 'tl-note-text' }, view.text),
        ...view.files.map((file) => renderFile(file, actions.fileSource)),
      );
    case 'tool_call':
      return h(
        'details',
        { class: `tl-tool tl-private tl-tool-${view.state}`, data },
        h('summary', {}, h('span', { class: 'tl-label' }, 'AI tool'), h('code', {}, view.toolName), h('span', { class: 'tl-state' }, view.state), view.error && h('span', { class: 'tl-error' }, view.error), time),
        h('pre', {}, json({ input: view.input, output: view.output })),
      );
    case 'quick_replies':
      return h(
        'div',
        { class: 'tl-quick-replies', data },
        h('div', { class: 'tl-meta' }, authorOf(view.author), time),
        written('div', { class: 'tl-bubble' }, view.prompt),
        h(
          'div',
          { class: 'tl-options' },
          ...view.options.map((option) =>
            written(
              'button',
              {
                type: 'button',
                class: `tl-option${option.id === view.answeredOptionId ? ' tl-chosen' : ''}`,
                disabled: !view.canAnswer || !actions.onChooseReply,
                on: { click: () => actions.onChooseReply?.(view.id, option.id) },
              },
              option.label,
            ),
          ),
        ),
      );
    case 'rating':
      return h(
        'div',
        { class: 'tl-system tl-rating', data },
        h('span', { class: 'tl-stars', 'aria-label': `${view.score} out of 5` }, '★'.repeat(view.score) + '☆'.repeat(Math.max(0, 5 - view.score))),
        view.comment && detailOf(view.comment),
      );
    case 'other':
      return h('div', { class: `tl-system${view.private ? ' tl-private' : ''}`, data }, view.type, view.text && ': ', view.text && written('span', {}, view.text));
  }
}
