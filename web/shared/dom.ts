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

/** Replaces an element's children. */
export function mount(parent: Element, ...children: Child[]): void {
  parent.replaceChildren(...nodes(children));
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

/** What the user is doing in a part of the page: what they typed into its named text fields, chose in its forms, and where its focus is. */
export interface Edits {
  /** Puts it into `root` (drawn anew, and on the page): the text into the fields of the same names, focus and selection back on its field. */
  restoreIn(root: ParentNode): void;
}

/** The option a select was drawn with. */
const drawnChoice = (select: HTMLSelectElement): string => ([...select.options].find((option) => option.defaultSelected) ?? select.options[0])?.value ?? '';

/**
 * What the user typed into the named text fields under `root` (those whose value is not the value
 * they were drawn with), chose in the named selects of its forms (a choice not sent yet, such as an
 * assignee before Assign; a select that applies at once shows what the server has instead), and the
 * field of it their focus is on, to put back into the part drawn anew.
 */
export function editsIn(root: Element): Edits {
  const typed = new Map<string, string>();
  for (const field of root.querySelectorAll<HTMLInputElement>('input[type="text"][name]')) if (field.value !== field.defaultValue) typed.set(field.name, field.value);
  const chosen = new Map<string, string>();
  for (const select of root.querySelectorAll<HTMLSelectElement>('form select[name]')) if (select.value !== drawnChoice(select)) chosen.set(select.name, select.value);
  const focused = focusedElementIn(root);
  const focusedName = focused instanceof HTMLElement && root.contains(focused) ? focused.getAttribute('name') : null;
  const selection = focused instanceof HTMLInputElement ? { start: focused.selectionStart, end: focused.selectionEnd } : undefined;
  return {
    restoreIn(next) {
      const named = (name: string) => next.querySelector<HTMLElement>(`[name="${CSS.escape(name)}"]`);
      for (const [name, value] of typed) {
        const field = named(name);
        if (field instanceof HTMLInputElement) field.value = value;
      }
      for (const [name, value] of chosen) {
        const select = named(name);
        // Only while the choice is still there to make (the person chosen may have left the team).
        if (select instanceof HTMLSelectElement && [...select.options].some((option) => option.value === value && !option.disabled)) select.value = value;
      }
      const refocus = focusedName === null ? null : named(focusedName);
      if (!refocus) return;
      refocus.focus({ preventScroll: true });
      if (refocus instanceof HTMLInputElement && selection) refocus.setSelectionRange(selection.start, selection.end);
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
