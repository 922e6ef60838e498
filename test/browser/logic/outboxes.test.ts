import { beforeEach, describe, expect, it, vi } from 'vitest';
import { Outboxes } from '../../../web/shared/outboxes';

/** sessionStorage as a page has it, kept across the test's "reloads". */
class FakeStorage {
  readonly values = new Map<string, string>();
  getItem(key: string): string | null {
    return this.values.get(key) ?? null;
  }
  setItem(key: string, value: string): void {
    this.values.set(key, value);
  }
  removeItem(key: string): void {
    this.values.delete(key);
  }
}

/** A send that never answers: what is sent stays on its way. */
const never = () => new Promise<void>(() => undefined);
const file = (name: string) => new File(['x'], name, { type: 'text/plain' });

describe('Outboxes', () => {
  beforeEach(() => {
    vi.stubGlobal('sessionStorage', new FakeStorage());
    return () => vi.unstubAllGlobals();
  });

  const page = () => new Outboxes({ storageKey: 'drafts', deliver: never });

  it('keeps what is written and waiting across a reload, waiting for Retry, with its item ids and uploaded files', () => {
    const before = page();
    const outbox = before.of('conv_a');
    outbox.write({ text: 'first', asNote: true });
    outbox.send();
    outbox.waiting[0]!.fileId = 'file_1'; // As itemFromDraft records an upload that went through.
    outbox.write({ text: 'half-written' });

    const after = page().of('conv_a');
    expect(after.stalled).toBe(true);
    expect(after.waiting).toEqual([{ id: outbox.waiting[0]!.id, text: 'first', asNote: true, fileId: 'file_1' }]);
    expect(after.writing).toEqual({ text: 'half-written', asNote: true });
  });

  it('keeps a message whose file is not uploaded yet in the page only: a page loaded again cannot read the file', () => {
    const outboxes = page();
    const outbox = outboxes.of('conv_a');
    outbox.write({ text: 'with a file', file: file('notes.txt') });
    outbox.send();
    expect(outboxes.of('conv_a').waiting).toHaveLength(1);
    expect(page().of('conv_a').waiting).toEqual([]);
  });

  it('keeps the 30 conversations changed last', () => {
    const outboxes = page();
    for (let n = 1; n <= 32; n++) outboxes.of(`conv_${n}`).write({ text: `draft ${n}` });
    outboxes.of('conv_3').write({ text: 'changed again' });
    const kept = page();
    expect(kept.of('conv_1').writing.text).toBe('');
    expect(kept.of('conv_2').writing.text).toBe('');
    expect(kept.of('conv_4').writing.text).toBe('draft 4');
    expect(kept.of('conv_3').writing.text).toBe('changed again');
    expect(outboxes.of('conv_2').isEmpty).toBe(true);
  });

  it('keeps nothing for a conversation emptied, and nothing at all once cleared', () => {
    const outboxes = page();
    outboxes.of('conv_a').write({ text: 'something' });
    outboxes.of('conv_b').write({ text: 'else' });
    outboxes.of('conv_a').write({ text: '' });
    expect(JSON.parse(sessionStorage.getItem('drafts') ?? '[]')).toHaveLength(1);
    outboxes.clear();
    expect(sessionStorage.getItem('drafts')).toBeNull();
    expect(page().of('conv_b').isEmpty).toBe(true);
  });
});
