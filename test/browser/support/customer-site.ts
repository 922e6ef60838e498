/**
 * A customer's website on an origin of its own (another port of 127.0.0.1): a page with the
 * widget's snippet, under the strict CSP a careful website has, and its own stylesheet.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface CustomerSite {
  url: string;
  /** Where the snippet loads widget.js from (the chat server's origin), set once that server runs. */
  chatOrigin: string;
  close(): Promise<void>;
}

/** The customer's own styles: some plain, some as heavy-handed as websites have them. */
export const SITE_CSS = `
body { margin: 12px; font: 18px/1.6 Georgia, serif; background: rgb(250, 240, 230); color: rgb(20, 20, 20); }
h1 { margin: 30px 0; }
.btn { padding: 7px 11px; border-radius: 2px; }
.btn-primary { background: rgb(0, 128, 0); color: rgb(255, 255, 255); }
button { background: red !important; }
div { padding: 3px; }
`;

const page = (chatOrigin: string, publicKey: string, snippet: 'none' | 'plain' | 'no page context') => `<!doctype html>
<html><head><meta charset="utf-8"><title>Customer site</title><link rel="stylesheet" href="/site.css"></head>
<body><h1>Customer site</h1><p>Our products.</p><button class="btn btn-primary" id="buy">Buy</button>
${snippet === 'none' ? '' : `<script src="${chatOrigin}/widget.js" data-public-key="${publicKey}"${snippet === 'no page context' ? ' data-page-context="off"' : ''} async></script>`}
</body></html>`;

/**
 * `publicKey()`: the website key the snippet carries (read per request: the chat server may start
 * after this site), unless the page's `?publicKey=` names another; `?bare` leaves the snippet out,
 * `?pageContext=off` has it keep the page to the page.
 */
export async function startCustomerSite(publicKey: () => string): Promise<CustomerSite> {
  const site: Partial<CustomerSite> & { chatOrigin: string } = { chatOrigin: '' };
  const server: Server = createServer((req, res) => {
    const { pathname, searchParams } = new URL(req.url ?? '/', 'http://site');
    if (pathname === '/site.css') return void res.writeHead(200, { 'Content-Type': 'text/css' }).end(SITE_CSS);
    if (pathname !== '/') return void res.writeHead(404).end();
    const chat = new URL(site.chatOrigin);
    const csp = `default-src 'none'; script-src ${site.chatOrigin}; connect-src ${site.chatOrigin} ws://${chat.host}; img-src blob: data:; style-src 'self'`;
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Content-Security-Policy': csp });
    const snippet = searchParams.has('bare') ? 'none' : searchParams.get('pageContext') === 'off' ? 'no page context' : 'plain';
    res.end(page(site.chatOrigin, searchParams.get('publicKey') ?? publicKey(), snippet));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(site, {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  });
}
