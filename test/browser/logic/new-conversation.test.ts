import { beforeEach, describe, expect, it, vi } from 'vitest';
import { NewConversation } from '../../../web/widget/new-conversation';
import { FakeStorage } from './fake-storage';

describe('NewConversation', () => {
  beforeEach(() => {
    vi.stubGlobal('sessionStorage', new FakeStorage());
    return () => vi.unstubAllGlobals();
  });

  const none = () => false;

  it('opens the same id until it is created, also after a reload', () => {
    const id = new NewConversation('new').id(none);
    expect(new NewConversation('new').id(none)).toBe(id);
  });

  it('starts another when the kept id is a conversation already (created in a duplicated tab)', () => {
    const original = new NewConversation('new');
    const id = original.id(none);
    const duplicate = new NewConversation('new'); // The duplicated tab, its sessionStorage a copy.
    expect(duplicate.id(none)).toBe(id);
    original.created(id); // The first tab sends its first message there.
    const created = new Set([id]);
    const other = duplicate.id((known) => created.has(known));
    expect(other).not.toBe(id);
    expect(duplicate.id((known) => created.has(known))).toBe(other);
  });
});
