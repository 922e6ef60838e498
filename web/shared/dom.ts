/** A tiny element builder: the pages build their DOM with it instead of HTML strings (no injection). */
type Child = Node | string | number | false | null | undefined;

export interface Props {
  class?: string;
  /** `data-*` attributes, also what the browser tests select on. */
  data?: Record<string, string | number>;
  on?: Partial<{ [K in keyof HTMLElementEventMap]: (event: HTMLElementEventMap[K]) => void }>;
  [attribute: string]: unknown;
}

const nodes = (children: Child[]): Array<Node | string> =>
  children.filter((c): c is Node | string | number => c !== false && c !== null && c !== undefined).map((c) => (typeof c === 'number' ? String(c) : c));

export function h<K extends keyof HTMLElementTagNameMap>(tag: K, props: Props = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  const { class: className, data, on, ...attributes } = props;
  if (className) element.className = className;
  for (const [key, value] of Object.entries(data ?? {})) element.dataset[key] = String(value);
  for (const [type, listener] of Object.entries(on ?? {})) element.addEventListener(type, listener as EventListener);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === false || value === undefined || value === null) continue;
    if (name in element && typeof value !== 'string') (element as unknown as Record<string, unknown>)[name] = value;
    else element.setAttribute(name, value === true ? '' : String(value));
  }
  element.append(...nodes(children));
  return element;
}

/**
 * The element with keyboard focus in the tree `node` is in: the widget lives in a shadow root, where
 * `document.activeElement` is only its host element.
 */
export function focusedElementIn(node: Node): Element | null {
  const root = node.getRootNode();
  return root instanceof Document || root instanceof ShadowRoot ? root.activeElement : null;
}

/** Whether the page's focus is nowhere in particular: the element that had it was taken out (the page then focuses its body). */
export const focusLost = (): boolean => document.activeElement === null || document.activeElement === document.body;

/** How many `mount`s are replacing elements now (one may set off another, through a blur). */
let mounting = 0;

/**
 * Whether the page is replacing elements now: a blur then is the focused element being taken out
 * (Chromium blurs it while it is still in place), not the user leaving it.
 */
export const isMounting = (): boolean => mounting > 0;

/** Replaces an element's children. */
export function mount(parent: Element, ...children: Child[]): void {
  mounting++;
  try {
    parent.replaceChildren(...nodes(children));
  } finally {
    mounting--;
  }
}

/**
 * Makes `parent`'s children exactly `nodes`, in order, touching only those not already in place,
 * and never taking out the one that holds focus (taken out, even to be put back at once, it would
 * lose focus, which the browser then gives anew: a screen reader reads it out again): the others
 * are put around it.
 */
export function placeChildren(parent: Element, nodes: readonly Node[]): void {
  const kept = new Set(nodes);
  for (const child of [...parent.childNodes]) if (!kept.has(child)) child.remove();
  const active = focusedElementIn(parent);
  const focused = nodes.findIndex((node) => node.parentNode === parent && node.contains(active));
  if (focused < 0) {
    nodes.forEach((node, i) => {
      if (parent.childNodes[i] !== node) parent.insertBefore(node, parent.childNodes[i] ?? null);
    });
    return;
  }
  for (let i = focused - 1; i >= 0; i--) {
    const node = nodes[i] as Node;
    const next = nodes[i + 1] as Node;
    if (node.nextSibling !== next) parent.insertBefore(node, next);
  }
  for (let i = focused + 1; i < nodes.length; i++) {
    const node = nodes[i] as Node;
    const previous = nodes[i - 1] as Node;
    if (previous.nextSibling !== node) parent.insertBefore(node, previous.nextSibling);
  }
}

/**
 * Replaces an element's children as `mount` does, and when focus was on an element in it with a
 * `data-focus-key`, puts it back on the new one with the same key: a list drawn again as frames
 * arrive does not throw a keyboard user's place back to the top of the page.
 */
export function mountKeepingFocus(parent: Element, ...children: Child[]): void {
  const focused = focusedElementIn(parent);
  const key = focused instanceof HTMLElement && parent.contains(focused) ? focused.dataset.focusKey : undefined;
  mount(parent, ...children);
  // Without scrolling: a reader who clicked a row (which focuses it) and scrolled on is not pulled back to it by every frame.
  if (key !== undefined) parent.querySelector<HTMLElement>(`[data-focus-key="${CSS.escape(key)}"]`)?.focus({ preventScroll: true });
}

/** Whether the browser says which select has its menu open (`:open`; a selector it does not know throws). */
const menusShow = typeof CSS !== 'undefined' && CSS.supports('selector(:open)');

/** A select with its menu open under `root` (or `root` itself), when the browser says so. */
export const openMenuIn = (root: Element): HTMLSelectElement | null => (!menusShow ? null : root.matches('select:open') ? (root as HTMLSelectElement) : root.querySelector('select:open'));

/** What the user is doing in a part of the page: what they typed into its named text fields, chose in its forms, and where its focus is. */
export interface Edits {
  /** Puts it into `root` (drawn anew, and on the page): the text into the fields of the same names, focus and selection back on its field. */
  restoreIn(root: ParentNode): void;
}

/** The option a select was drawn with. */
const drawnChoice = (select: HTMLSelectElement): string => ([...select.options].find((option) => option.defaultSelected) ?? select.options[0])?.value ?? '';

/**
 * What a choice not yet sent in a select is made as of: the option it showed as the user began it,
 * kept (`data-as-of`) while the select is drawn anew with what a colleague chose meanwhile, or what
 * the user last sent from it (the page sets it so); else the option it was drawn with.
 */
export const choiceAsOf = (select: HTMLSelectElement): string => select.dataset.asOf ?? drawnChoice(select);

/** What identifies an element across drawings, for focus to go back to: its `data-focus-key`, else its `name`. */
const focusKeyOf = (element: Element): string | null => (element instanceof HTMLElement ? (element.dataset.focusKey ?? element.getAttribute('name')) : null);

/** The elements under `root` that focus can go back to, in page order. */
const keyedIn = (root: ParentNode): HTMLElement[] =>
  [...root.querySelectorAll<HTMLElement>('[data-focus-key], [name]')].filter((element) => !element.matches(':disabled') && !element.closest('[hidden]'));

/**
 * Where focus goes in `root` drawn anew: on the element with the same key; when that is gone (a
 * button that did its job, a tag removed), on the one now in its place in its `data-focus-group`
 * (the next, else the last), else on the group's heading, so that a keyboard user stays where
 * they were instead of being thrown to the page's start.
 */
function focusTargetIn(root: ParentNode, key: string | null, group: string | undefined, place: number): HTMLElement | undefined {
  const keyed = keyedIn(root);
  const same = key === null ? undefined : keyed.find((element) => focusKeyOf(element) === key);
  if (same || group === undefined) return same;
  const area = root.querySelector<HTMLElement>(`[data-focus-group="${CSS.escape(group)}"]`);
  if (!area) return undefined;
  const inArea = keyed.filter((element) => area.contains(element));
  const heading = area.querySelector<HTMLElement>('h1, h2, h3, h4');
  if (heading) heading.tabIndex = -1; // Focusable by script only, not a stop for Tab.
  return inArea[Math.min(place, inArea.length - 1)] ?? heading ?? undefined;
}

/**
 * What the user typed into the named text fields under `root` (those whose value is not the value
 * they were drawn with), chose in the named selects of its forms (a choice not sent yet, such as an
 * assignee before Assign; a select that applies at once shows what the server has instead), the
 * folds they opened (`<details data-open-key>`), and the element of it their focus is on (by
 * `focusKeyOf`), to put back into the part drawn anew.
 */
export function editsIn(root: Element): Edits {
  const typed = new Map<string, string>();
  for (const field of root.querySelectorAll<HTMLInputElement>('input[type="text"][name]')) if (field.value !== field.defaultValue) typed.set(field.name, field.value);
  const chosen = new Map<string, { value: string; asOf: string }>();
  for (const select of root.querySelectorAll<HTMLSelectElement>('form select[name]')) {
    // Other than the server's (a choice not sent, or sent and not drawn yet), or than what it is made as of (the server's may be behind).
    if (select.value !== drawnChoice(select) || select.value !== choiceAsOf(select)) chosen.set(select.name, { value: select.value, asOf: choiceAsOf(select) });
  }
  const opened = [...root.querySelectorAll<HTMLDetailsElement>('details[data-open-key]')].filter((details) => details.open).map((details) => details.dataset.openKey!);
  const active = focusedElementIn(root);
  const focused = active instanceof HTMLElement && root.contains(active) ? active : undefined;
  const area = focused?.closest<HTMLElement>('[data-focus-group]');
  const group = area && root.contains(area) ? area.dataset.focusGroup : undefined;
  const place = focused && area ? keyedIn(area).indexOf(focused) : -1;
  const selection = focused instanceof HTMLInputElement ? { start: focused.selectionStart, end: focused.selectionEnd } : undefined;
  return {
    restoreIn(next) {
      const named = (name: string) => next.querySelector<HTMLElement>(`[name="${CSS.escape(name)}"]`);
      for (const [name, value] of typed) {
        const field = named(name);
        if (field instanceof HTMLInputElement) field.value = value;
      }
      for (const [name, { value, asOf }] of chosen) {
        const select = named(name);
        // Only while the choice is still there to make (the person chosen may have left the team).
        if (!(select instanceof HTMLSelectElement) || ![...select.options].some((option) => option.value === value && !option.disabled)) continue;
        select.value = value;
        if (asOf !== drawnChoice(select)) select.dataset.asOf = asOf;
      }
      for (const key of opened) {
        const details = next.querySelector(`details[data-open-key="${CSS.escape(key)}"]`);
        if (details instanceof HTMLDetailsElement) details.open = true;
      }
      if (!focused) return;
      const refocus = focusTargetIn(next, focusKeyOf(focused), group, Math.max(place, 0));
      if (!refocus) return;
      refocus.focus({ preventScroll: true });
      // A number field has no selection to put back (setting one throws).
      if (refocus instanceof HTMLInputElement && focusKeyOf(refocus) === focusKeyOf(focused) && selection?.start != null) refocus.setSelectionRange(selection.start, selection.end);
    },
  };
}

/**
 * Replaces a form's children as `mount` does, keeping what the user was doing in it (`editsIn`):
 * so a panel drawn again as the conversation changes does not wipe a half-typed reason.
 */
export function mountKeepingEdits(parent: Element, ...children: Child[]): void {
  const edits = editsIn(parent);
  mount(parent, ...children);
  edits.restoreIn(parent);
}
