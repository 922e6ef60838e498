/**
 * Where the visitor was when they started a conversation from the widget, as the widget tells it:
 * kept under the conversation's `metadata.widget` (team only), shown beside the conversation in the
 * inbox. Addresses carry no query or fragment (they often hold tokens: a password reset's, a
 * session's); the website's own path and title say which page it was. No zod here: the widget's
 * bundle reads this file too.
 */
export interface WidgetContext {
  /** `https://shop.example/cart`: http(s), no query or fragment. */
  pageUrl?: string;
  pageTitle?: string;
  /** The page they came from, cut the same way. */
  referrer?: string;
  /** The browser's language, a BCP 47 tag (`fr-FR`). */
  language?: string;
  /** Their time zone, an IANA name (`Europe/Paris`). */
  timeZone?: string;
}

export const MAX_PAGE_ADDRESS_LENGTH = 2_048;
export const MAX_PAGE_TITLE_LENGTH = 300;
export const MAX_LANGUAGE_TAG_LENGTH = 35;
/**
 * An address as the context keeps it: the origin and path of an http(s) address, written as a
 * browser writes them (`https://shop.example/cart`, without user, query or fragment); undefined for
 * any other scheme or what is no address at all.
 */
export function pageAddressOf(href: string): string | undefined {
  let url: URL;
  try {
    url = new URL(href);
  } catch {
    return undefined;
  }
  return url.protocol === 'https:' || url.protocol === 'http:' ? `${url.origin}${url.pathname}` : undefined;
}

/** A BCP 47 tag as browsers give it (`fr-FR`, `zh-Hant-TW`). */
export const LANGUAGE_TAG = /^[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*$/;
