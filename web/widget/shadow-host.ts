/**
 * The widget's place on a page it does not own: an element added to the body with a shadow root,
 * so neither the page's styles nor the widget's reach the other. The styles go in as constructable
 * stylesheets (`adoptedStyleSheets`), which a strict CSP `style-src` lets through without
 * 'unsafe-inline'. The `:host` reset stops what the page's styles would pass down by inheritance
 * (font, colour, line height, letter spacing …); `!important` so that a page rule naming the host
 * element does not win over it.
 */
import componentsCss from '../shared/components.css?inline';
import themeCss from '../shared/theme.css?inline';
import widgetCss from './widget.css?inline';

const HOST_RESET = ':host { all: initial !important; display: block !important; }';

/** Adds the host element to the body; its shadow root, where the widget goes. */
export function createShadowHost(): ShadowRoot {
  const host = document.createElement('support-chat-widget');
  const root = host.attachShadow({ mode: 'open' });
  root.adoptedStyleSheets = [HOST_RESET, themeCss, componentsCss, widgetCss].map((css) => {
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(css);
    return sheet;
  });
  document.body.append(host);
  return root;
}
