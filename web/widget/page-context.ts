/**
 * What the widget tells the team of where the visitor is when they start a conversation
 * (domain/widget-context.ts): the page's address without its query or fragment, its title, where
 * they came from, their language and time zone. Anything the server would refuse is left out rather
 * than sent: the conversation matters more than the context.
 */
import type { VisitorPage } from '../../domain/people';
import { LANGUAGE_TAG, MAX_LANGUAGE_TAG_LENGTH, MAX_PAGE_ADDRESS_LENGTH, MAX_PAGE_TITLE_LENGTH, pageAddressOf, type WidgetContext } from '../../domain/widget-context';
import { readableLine } from './readable-line';

export interface PageFacts {
  href: string;
  title: string;
  referrer: string;
  language: string | undefined;
  timeZone: string | undefined;
}

/** `https://shop.example/cart`: an http(s) page's address cut at its query. */
function addressOf(href: string): string | undefined {
  const address = pageAddressOf(href);
  return address && address.length <= MAX_PAGE_ADDRESS_LENGTH ? address : undefined;
}

/** A page's title as one readable line the server takes; undefined when nothing is left of it. */
const titleOf = (title: string): string | undefined => readableLine(title, MAX_PAGE_TITLE_LENGTH);

/** The page as the team is told it (`pageViewed`): undefined for one that is not http(s), whose address the server would refuse. */
export function viewedPage({ href, title }: Pick<PageFacts, 'href' | 'title'>): Omit<VisitorPage, 'at'> | undefined {
  const pageUrl = addressOf(href);
  if (pageUrl === undefined) return undefined;
  const pageTitle = titleOf(title);
  return pageTitle === undefined ? { pageUrl } : { pageUrl, pageTitle };
}

export function pageContext(facts: PageFacts): WidgetContext {
  const context: WidgetContext = {
    pageUrl: addressOf(facts.href),
    pageTitle: titleOf(facts.title),
    referrer: facts.referrer ? addressOf(facts.referrer) : undefined,
    language: facts.language && LANGUAGE_TAG.test(facts.language) && facts.language.length <= MAX_LANGUAGE_TAG_LENGTH ? facts.language : undefined,
    timeZone: facts.timeZone || undefined,
  };
  return Object.fromEntries(Object.entries(context).filter(([, value]) => value !== undefined));
}

/** This page's facts, as the browser gives them. */
export const currentPageFacts = (): PageFacts => ({
  href: location.href,
  title: document.title,
  referrer: document.referrer,
  language: navigator.language,
  timeZone: Intl.DateTimeFormat().resolvedOptions().timeZone,
});
