/**
 * Where the visitor is now (the page their widget last said: `GET /v1/visitors/:id` and the
 * socket's `visitorPageViewed`), where they were when they started the conversation (the widget's
 * `metadata.widget`), and the website's own metadata, in the side panel. All of it comes from the
 * visitor's browser or the website's backend, so it is shown as text, and an address becomes a
 * link only when it is http(s).
 */
import { withDirectionShown } from '../../domain/readable-text';
import { pageAddressOf, type WidgetContext } from '../../domain/widget-context';
import { h } from '../shared/dom';
import { formatTime, formatTimeIn } from '../shared/format';
import type { VisitorPage } from '../shared/wire';
import type { Words } from '../shared/words';
import { showWords } from '../shared/written';
import { section } from './controls-section';
import { samePage } from './visitor-pages';

/** Whether the visitor has the widget open now, the page it last said they were on, and the pages they went to, newest first. */
export interface VisitorNow {
  online: boolean;
  lastPage?: VisitorPage;
  recentPages?: readonly VisitorPage[];
}

export interface VisitorFact {
  label: string;
  /** What the visitor's browser or the website said (a page's title, a metadata value) set apart. */
  text: Words;
  /** An http(s) address the text links to. */
  href?: string;
  /** The time zone whose time now the text is (kept current by the page). */
  timeIn?: string;
}

/** Longest a metadata value is shown: one line of the panel, not a dump. */
const MAX_VALUE_TEXT = 200;

/** A stored address to link to: an http(s) one only, as its origin and path. */
const httpAddress = (value: unknown): string | undefined => (typeof value === 'string' ? pageAddressOf(value) : undefined);

/** One short line, its direction controls shown as escapes (a visitor may have written it: `\u202e` would turn it around). */
const shortText = (value: unknown): string => {
  const text = typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value));
  const line = withDirectionShown(text.replace(/\s+/g, ' ').trim());
  return line.length > MAX_VALUE_TEXT ? `${line.slice(0, MAX_VALUE_TEXT - 1)}…` : line;
};

/** `French (France)` for `fr-FR`; the tag itself when the browser cannot name it. */
function languageName(tag: string): string {
  try {
    return new Intl.DisplayNames(['en'], { type: 'language' }).of(tag) ?? tag;
  } catch {
    return tag;
  }
}

/** A page as a link named by its title and its host: the title is the visitor's browser's word, the host says where the link goes. */
function pageFact(label: string, pageUrl: unknown, pageTitle: unknown): VisitorFact | undefined {
  const page = httpAddress(pageUrl);
  if (!page) return undefined;
  return { label, text: typeof pageTitle === 'string' ? [{ written: shortText(pageTitle) }, ` (${new URL(page).host})`] : [shortText(page)], href: page };
}

const widgetFacts = (widget: Partial<Record<keyof WidgetContext, unknown>>, now: Date): VisitorFact[] => {
  const facts: VisitorFact[] = [];
  const page = pageFact('Started on', widget.pageUrl, widget.pageTitle);
  if (page) facts.push(page);
  const referrer = httpAddress(widget.referrer);
  if (referrer) facts.push({ label: 'Came from', text: [shortText(referrer)], href: referrer });
  const time = typeof widget.timeZone === 'string' ? formatTimeIn(widget.timeZone, now) : undefined;
  // The zone's time now, which the page keeps current (keepTimesCurrent).
  if (time) facts.push({ label: 'Local time', text: [time], timeIn: widget.timeZone as string });
  if (typeof widget.language === 'string') facts.push({ label: 'Language', text: [languageName(widget.language)] });
  return facts;
};

/**
 * What the panel says of the visitor, in order: the widget's facts, then the conversation's other
 * metadata by its own names (given at creation by a team's backend, or by the visitor's page: the
 * panel says it is metadata, not which).
 */
export function visitorFacts(metadata: Record<string, unknown> | undefined, now = new Date()): VisitorFact[] {
  if (!metadata) return [];
  const { widget, ...own } = metadata;
  const fromWidget = widget !== null && typeof widget === 'object' ? widgetFacts(widget as Partial<Record<keyof WidgetContext, unknown>>, now) : [];
  const fromWebsite = Object.entries(own).map(([key, value]) => ({ label: `${shortText(key)} (metadata)`, text: [{ written: shortText(value) }] }));
  return [...fromWidget, ...fromWebsite];
}

/** Where the visitor is as the widget last said, if it did: "Now on" while they are online, else since when it was their last page. */
export function currentPageFacts({ online, lastPage }: VisitorNow): VisitorFact[] {
  if (!lastPage) return [];
  const fact = pageFact(online ? 'Now on' : 'Last seen on', lastPage.pageUrl, lastPage.pageTitle);
  if (!fact) return [];
  return [online ? fact : { ...fact, text: [...fact.text, `, ${formatTime(lastPage.at)}`] }];
}

/** The pages before the one the visitor is on (or left from), newest first, each with when they went to it. */
export function earlierPageFacts({ lastPage, recentPages = [] }: VisitorNow): VisitorFact[] {
  const [newest, ...before] = recentPages;
  const earlier = newest && lastPage && samePage(newest, lastPage) ? before : recentPages;
  return earlier.flatMap((page) => {
    const fact = pageFact(formatTime(page.at), page.pageUrl, page.pageTitle);
    return fact ? [fact] : [];
  });
}

const factList = (facts: readonly VisitorFact[], props: Parameters<typeof h>[1]): HTMLElement =>
  h(
    'dl',
    props,
    ...facts.flatMap((fact) => [
      h('dt', {}, fact.label),
      h(
        'dd',
        fact.timeIn ? { data: { timeIn: fact.timeIn } } : {},
        // Keyed by what it links to and when: a focus on it stays there as the panel is drawn again.
        ...(fact.href ? [h('a', { href: fact.href, target: '_blank', rel: 'noopener noreferrer', data: { focusKey: `page:${fact.label}:${fact.href}` } }, ...showWords(fact.text))] : showWords(fact.text)),
      ),
    ]),
  );

/** The earlier pages, folded: how the visitor came to ask, for whoever wants to see it. */
function earlierPages(now: VisitorNow): HTMLElement | false {
  const facts = earlierPageFacts(now);
  if (facts.length === 0) return false;
  const summary = h('summary', { data: { focusKey: 'visitor-history' } }, `Earlier pages (${facts.length})`);
  return h('details', { class: 'visitor-history', data: { openKey: 'visitor-history' } }, summary, factList(facts, { class: 'visitor-facts' }));
}

export function visitorSection(metadata: Record<string, unknown> | undefined, now: VisitorNow): HTMLElement | undefined {
  const facts = [...currentPageFacts(now), ...visitorFacts(metadata)];
  if (facts.length === 0) return undefined;
  return section(
    'Visitor',
    factList(facts, { class: 'visitor-facts', data: { testid: 'visitor-facts' } }),
    earlierPages(now),
  );
}
