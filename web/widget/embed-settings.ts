/**
 * Where the embedded widget finds its website key and its chat server: the `data-public-key` of its
 * own `<script src=".../widget.js">` tag and that script's origin, so a customer's page needs only
 * the snippet; else `window.SUPPORT_CONFIG.publicKey` (the server's `/config.js`, as the demo page
 * has it) and the page's own origin. `data-page-context="off"` keeps the page the visitor is on to
 * the page (a website whose paths or titles name its customers, say).
 */
export interface EmbedSettings {
  publicKey: string;
  /** The chat server's origin; '' when it is the page's. */
  origin: string;
  /** Whether a new conversation tells the team where the visitor is (page-context.ts). */
  pageContext: boolean;
}

/** The settings, or undefined (said on the console) when there is no public key. */
export function readEmbedSettings(script: HTMLOrSVGScriptElement | null): EmbedSettings | undefined {
  const tag = script instanceof HTMLScriptElement ? script : undefined;
  const publicKey = tag?.dataset.publicKey || window.SUPPORT_CONFIG?.publicKey;
  if (!publicKey) {
    console.error('Support chat: no public key. Put data-public-key="pk_…" on the <script> tag that loads widget.js.');
    return undefined;
  }
  const scriptOrigin = tag?.src ? new URL(tag.src, location.href).origin : location.origin;
  return { publicKey, origin: scriptOrigin === location.origin ? '' : scriptOrigin, pageContext: tag?.dataset.pageContext !== 'off' };
}
