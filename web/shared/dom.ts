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
  const focused = document.activeElement;
  const key = focused instanceof HTMLElement && parent.contains(focused) ? focused.dataset.focusKey : undefined;
  mount(parent, ...children);
  // Without scrolling: a reader who clicked a row (which focuses it) and scrolled on is not pulled back to it by every frame.
  if (key !== undefined) parent.querySelector<HTMLElement>(`[data-focus-key="${CSS.escape(key)}"]`)?.focus({ preventScroll: true });
}
