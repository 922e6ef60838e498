import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { resolvePluginSources } from '../../plugins/sources';

/** A project root holding an installed package `acme-plugin` (its parts built to dist/) and a folder of the same name (its sources, as a workspace keeps them). */
function projectWithWorkspace(): string {
  const root = mkdtempSync(path.join(tmpdir(), 'plugin-sources-'));
  writeFileSync(path.join(root, 'package.json'), JSON.stringify({ name: 'app', private: true }));
  const installed = path.join(root, 'node_modules', 'acme-plugin');
  mkdirSync(path.join(installed, 'dist'), { recursive: true });
  writeFileSync(path.join(installed, 'package.json'), JSON.stringify({ name: 'acme-plugin', exports: { './workflow': './dist/workflow.js', './activity': './dist/activity.js' } }));
  for (const part of ['workflow', 'activity']) writeFileSync(path.join(installed, 'dist', `${part}.js`), 'export default {};\n');
  mkdirSync(path.join(root, 'acme-plugin'));
  writeFileSync(path.join(root, 'acme-plugin', 'workflow.ts'), 'export default {};\n');
  mkdirSync(path.join(root, 'plugins-local', 'shop'), { recursive: true });
  writeFileSync(path.join(root, 'plugins-local', 'shop', 'workflow.ts'), 'export default {};\n');
  return root;
}

describe('resolvePluginSources', () => {
  const root = projectWithWorkspace();
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  const configured = (specifier: string) => resolvePluginSources([specifier], root).at(-1)!;

  it('takes a bare name an installed package answers as that package, though a folder has the name too', () => {
    expect(configured('acme-plugin')).toMatchObject({ workflowPath: expect.stringMatching(/node_modules\/acme-plugin\/dist\/workflow\.js$/), activityPath: expect.stringMatching(/dist\/activity\.js$/) });
  });

  it('takes the folder when written as a path, and a bare folder no package answers', () => {
    expect(configured('./acme-plugin').workflowPath).toBe(path.join(root, 'acme-plugin', 'workflow.ts'));
    expect(configured('plugins-local/shop')).toEqual({ specifier: 'plugins-local/shop', workflowPath: path.join(root, 'plugins-local', 'shop', 'workflow.ts') });
  });
});
