/**
 * Text the reviewer measured below WCAG AA (4.5:1 for normal text), computed from the stylesheets'
 * own values: each rule's colour against the background it has, or the surface it sits on.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const css = (file: string) => readFileSync(new URL(`../../../web/shared/${file}`, import.meta.url), 'utf8');
const theme = css('theme.css');
const components = css('components.css');

/** A declaration of the rule for exactly `selector`, its var(--…) taken from theme.css. */
function declared(stylesheet: string, selector: string, property: string): string {
  const rule = new RegExp(`(?:^|\\n)${selector.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} \\{([^}]*)\\}`).exec(stylesheet)?.[1];
  const value = rule && new RegExp(`(?:^|\\s)${property}:\\s*([^;]+);`).exec(rule)?.[1];
  if (!value) throw new Error(`no ${property} in ${selector}`);
  return value.replace(/var\((--[\w-]+)\)/, (_, name: string) => declared(theme, ':root,\n:host', name));
}

/** #rgb as #rrggbb. */
const longHex = (hex: string) => (hex.length === 4 ? `#${[...hex.slice(1)].map((digit) => digit + digit).join('')}` : hex);

/** WCAG's contrast ratio of two #rgb or #rrggbb colours. */
function contrast(a: string, b: string): number {
  const luminance = (color: string) => {
    const hex = longHex(color);
    const [r, g, bl] = [1, 3, 5].map((i) => {
      const c = parseInt(hex.slice(i, i + 2), 16) / 255;
      return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r! + 0.7152 * g! + 0.0722 * bl!;
  };
  const [x, y] = [luminance(a), luminance(b)];
  return (Math.max(x, y) + 0.05) / (Math.min(x, y) + 0.05);
}

const token = (name: string) => declared(theme, ':root,\n:host', name);

describe('text contrast', () => {
  it.each([
    ['timeline times on the surface', declared(components, '.tl-time', 'color'), token('--sc-surface')],
    ['timeline times on the canvas', declared(components, '.tl-time', 'color'), token('--sc-canvas')],
    ['the AI badge', declared(components, '.tl-ai-badge', 'color'), declared(components, '.tl-ai-badge', 'background')],
    ['the AI pill', declared(components, '.pill-ai', 'color'), declared(components, '.pill-ai', 'background')],
    ['muted tag pills', declared(components, '.pill-muted', 'color'), declared(components, '.pill-muted', 'background')],
    ['system events', declared(components, '.tl-system', 'color'), declared(components, '.tl-system', 'background')],
    ['private system events', declared(components, '.tl-system', 'color'), declared(components, '.tl-system.tl-private', 'background')],
    ["a list row's age on the selected row", token('--sc-muted'), token('--sc-accent-soft')],
    ['muted text on a tag chip', token('--sc-muted'), '#e2e8f0'],
    ["an AI tool call's state on its card", declared(components, '.tl-state', 'color'), declared(components, '.tl-tool', 'background')],
  ])('gives %s at least 4.5:1', (_, color, background) => {
    expect(contrast(color, background)).toBeGreaterThanOrEqual(4.5);
  });
});
