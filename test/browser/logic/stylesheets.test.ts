/**
 * The pages' stylesheets hold no rule nested in another by mistake: CSS nesting is valid, so a
 * rule left unclosed (a merge once dropped a `}`) silently scoped every rule after it under its
 * selector, and the build said nothing. At-rules (`@media`) may hold rules; a rule holds neither.
 */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import postcss from 'postcss';
import { describe, expect, it } from 'vitest';

const WEB = path.resolve(import.meta.dirname, '../../../web');

async function stylesheets(): Promise<string[]> {
  const entries = await readdir(WEB, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile() && entry.name.endsWith('.css') && !path.relative(WEB, entry.parentPath).startsWith('dist'))
    .map((entry) => path.join(entry.parentPath, entry.name));
}

describe('stylesheets', () => {
  it('are found', async () => {
    expect((await stylesheets()).map((file) => path.relative(WEB, file))).toContain(path.join('inbox', 'inbox.css'));
  });

  it('nest no rule inside another', async () => {
    const nested: string[] = [];
    for (const file of await stylesheets()) {
      postcss.parse(await readFile(file, 'utf8'), { from: file }).walk((node) => {
        if ((node.type === 'rule' || node.type === 'atrule') && node.parent?.type === 'rule') {
          const name = node.type === 'rule' ? node.selector : `@${node.name} ${node.params}`;
          nested.push(`${path.relative(WEB, file)}:${node.source?.start?.line}: ${name} inside ${(node.parent as postcss.Rule).selector}`);
        }
      });
    }
    expect(nested).toEqual([]);
  });
});
