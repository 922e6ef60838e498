/** What the pages start from: the server's `/config.js` (put on the page before any module runs), and the page's address. */
export interface SupportConfig {
  publicKey: string;
  /** A local demo (DEMO_PAGES): only then is a secret key in the address taken. */
  demo?: boolean;
  /**
   * Only for the local demo: prefills the agent sign-in. It comes from the address's fragment
   * (`/inbox#secretKey=…`, the link `npm start` prints for a local demo), which browsers never send
   * to any server: a page served through a proxy cannot hand it to a stranger. Elsewhere a link
   * carrying one is ignored, so nobody can sign an agent in to another website by sending a link.
   */
  secretKey?: string;
}

declare global {
  interface Window {
    SUPPORT_CONFIG?: Partial<SupportConfig>;
  }
}

export function readSupportConfig(): SupportConfig {
  const config = window.SUPPORT_CONFIG ?? {};
  if (!config.publicKey) throw new Error('window.SUPPORT_CONFIG.publicKey is missing: is /config.js served?');
  const secretKey = config.demo ? takeKeyFromAddress() : undefined;
  return secretKey ? { publicKey: config.publicKey, secretKey } : { publicKey: config.publicKey };
}

/** The fragment's `secretKey`, taken off the address so that it stays out of the history and of links copied from it. */
function takeKeyFromAddress(): string | undefined {
  const secretKey = new URLSearchParams(location.hash.slice(1)).get('secretKey');
  if (secretKey === null) return undefined;
  history.replaceState(history.state, '', location.pathname + location.search);
  return secretKey;
}
