import { describe, expect, it } from 'vitest';
import { foldContents, foldRuns } from '../../../web/audit/folds';

describe('foldRuns', () => {
  it('folds each run of consecutive folded entries into one row, in its place', () => {
    const rows = foldRuns([1, 2, 3, 4, 5, 6, 7], (n) => [2, 3, 4, 7].includes(n));
    expect(rows).toEqual([
      { kind: 'entry', entry: 1 },
      { kind: 'fold', entries: [2, 3, 4] },
      { kind: 'entry', entry: 5 },
      { kind: 'entry', entry: 6 },
      { kind: 'fold', entries: [7] },
    ]);
  });
});

describe('foldContents', () => {
  it('says what a fold holds by name and count, most frequent first', () => {
    expect(foldContents(['recordEvents', 'projectState', 'projectState', 'reportAgentLoad', 'projectState'])).toBe('projectState ×3, recordEvents, reportAgentLoad');
  });
});
