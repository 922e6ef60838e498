import { beforeEach, describe, expect, it, vi } from 'vitest';
import { ApiError, type ApiClient, type NewItem } from '../../../web/shared/api-client';
import { deliverDraft } from '../../../web/shared/draft-item';
import { Outboxes } from '../../../web/shared/outboxes';
import { showError, showNote } from '../../../web/shared/toast';
import { FakeStorage } from './fake-storage';
import { FakeTarget } from './fake-target';

vi.mock('../../../web/shared/toast', async (original) => ({ ...(await original<object>()), showError: vi.fn(), showNote: vi.fn() })); // A failed send tells the reader; not here.

/** A send that never answers: what is sent stays on its way. */
const never = () => new Promise<void>(() => undefined);
const file = (name: string) => new File(['x'], name, { type: 'text/plain' });

describe('Outboxes', () => {
  let storage: FakeStorage;
  let win: FakeTarget;
  let doc: FakeTarget;
  beforeEach(() => {
    vi.useFakeTimers();
    storage = new FakeStorage();
    win = new FakeTarget();
    doc = new FakeTarget();
    vi.stubGlobal('sessionStorage', storage);
    vi.stubGlobal('window', win);
    vi.stubGlobal('document', doc);
    return () => {
      vi.unstubAllGlobals();
      vi.useRealTimers();
    };
  });

  const page = () => new Outboxes({ storageKey: 'drafts', deliver: never });
  /** The page loaded again, once what changed has been saved. */
  const reload = () => {
    vi.advanceTimersByTime(300);
    return page();
  };
  const stored = () => JSON.parse(storage.getItem('drafts') ?? '[]') as Array<{ conversationId: string }>;

  /** Outboxes whose sends fail as offline until `goOnline()`; then they store, in `stored`. */
  const offlineUntilToldOtherwise = () => {
    let online = false;
    const stored: string[] = [];
    const outboxes = new Outboxes({
      storageKey: 'drafts',
      deliver: async (_id, draft) => {
        if (!online) throw new Error('offline');
        stored.push(draft.text);
      },
    });
    return { outboxes, stored, goOnline: () => (online = true) };
  };

  it('keeps what is written and waiting across a reload, waiting for Retry, with its item ids and uploaded files', () => {
    const before = page();
    const outbox = before.of('conv_a');
    outbox.write({ text: 'first', asNote: true });
    outbox.send();
    outbox.waiting[0]!.fileId = 'file_1'; // As itemFromDraft records an upload that went through.
    outbox.write({ text: 'half-written' });

    const after = reload().of('conv_a');
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
    expect(reload().of('conv_a').waiting).toEqual([]);
  });

  it('saves the uploaded file of a message on its way at once: a page that ends before its item is stored keeps the message', async () => {
    const uploadFile = () => new Promise((resolve) => setTimeout(() => resolve({ file: { id: 'file_1' } }), 1_000));
    const api = { uploadFile } as unknown as ApiClient;
    const outboxes = new Outboxes({
      storageKey: 'drafts',
      deliver: (id, draft, keep) =>
        deliverDraft(api, id, draft, keep, async (itemFor) => {
        await itemFor();
        await never();
      }),
    });
    const outbox = outboxes.of('conv_a');
    outbox.write({ text: 'with a file', file: file('notes.txt') });
    outbox.send();
    await vi.advanceTimersByTimeAsync(1_000);
    expect(outbox.waiting[0]?.fileId).toBe('file_1');
    // The page ends right then, the item on its way, without a pagehide (a crash, a phone discarding the tab).
    expect(page().of('conv_a').waiting).toEqual([{ id: outbox.waiting[0]!.id, text: 'with a file', asNote: false, fileId: 'file_1' }]);
  });

  it('saves a message sent at once: a page that ends right after has it waiting, and no longer in the box to send again', () => {
    const outbox = page().of('conv_a');
    outbox.write({ text: 'Hello' });
    vi.advanceTimersByTime(300);
    outbox.send();
    // The page ends right then, without a pagehide.
    const after = page().of('conv_a');
    expect(after.waiting).toEqual([{ id: outbox.waiting[0]!.id, text: 'Hello', asNote: false }]);
    expect(after.writing.text).toBe('');
  });

  it('saves at once when the browser freezes the page (it may discard it then without a pagehide)', () => {
    page().of('conv_a').write({ text: 'half-written' });
    doc.fire('freeze');
    expect(page().of('conv_a').writing.text).toBe('half-written');
  });

  it('keeps a message whose upload the server removed while its file is uploaded again', async () => {
    // The first upload is removed before the item naming it is posted; the second takes a second.
    const uploads = ['file_old', 'file_new'];
    const uploadFile = () => new Promise((resolve) => setTimeout(() => resolve({ file: { id: uploads.shift() } }), uploads.length === 2 ? 0 : 1_000));
    const api = { uploadFile } as unknown as ApiClient;
    const post = async (itemFor: () => Promise<NewItem>) => {
      if (JSON.stringify(await itemFor()).includes('file_old')) {
        throw new ApiError(400, 'ERR_INVALID_INPUT', 'Unknown file file_old for this conversation', { fields: [{ path: 'body.item.parts.1.fileId', message: 'no such file' }] });
      }
      await never();
    };
    const outboxes = new Outboxes({ storageKey: 'drafts', deliver: (id, draft, keep) => deliverDraft(api, id, draft, keep, post) });
    const outbox = outboxes.of('conv_a');
    outbox.write({ text: 'with a file', file: file('notes.txt') });
    outbox.send();
    const { id } = outbox.waiting[0]!;
    await vi.advanceTimersByTimeAsync(500);
    // Uploading again: a page loaded now (even after a pagehide) has the message, and the old id that puts its text back in the box.
    win.fire('pagehide');
    expect(page().of('conv_a').waiting).toEqual([{ id, text: 'with a file', asNote: false, fileId: 'file_old' }]);
    await vi.advanceTimersByTimeAsync(500);
    expect(page().of('conv_a').waiting).toEqual([{ id, text: 'with a file', asNote: false, fileId: 'file_new' }]);
  });

  it('forgets the messages waiting that the conversation read since has stored, across a reload too', () => {
    const outbox = page().of('conv_a');
    for (const text of ['stored', 'not stored']) {
      outbox.write({ text });
      outbox.send();
    }
    const [stored, notStored] = outbox.waiting.map((draft) => draft.id);
    const after = reload().of('conv_a');
    after.forgetStored([{ id: 'item_other' }, { id: stored! }]);
    expect(after.waiting.map((draft) => draft.id)).toEqual([notStored]);
    expect(after.stalled).toBe(true);
    after.forgetStored([{ id: notStored! }]);
    expect(after.stalled).toBe(false);
    expect(reload().of('conv_a').isEmpty).toBe(true);
  });

  it('keeps the 30 conversations changed last', () => {
    const outboxes = page();
    for (let n = 1; n <= 32; n++) outboxes.of(`conv_${n}`).write({ text: `draft ${n}` });
    outboxes.of('conv_3').write({ text: 'changed again' });
    const kept = reload();
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
    outboxes.of('conv_c').write({ asNote: true }); // The Note switch alone is nothing to keep.
    vi.advanceTimersByTime(300);
    expect(stored().map((kept) => kept.conversationId)).toEqual(['conv_b']);
    outboxes.clear();
    expect(storage.getItem('drafts')).toBeNull();
    expect(reload().of('conv_b').isEmpty).toBe(true);
  });

  it('once cleared, sends nothing more and keeps nothing, though a send was on its way', async () => {
    const sent: string[] = [];
    const outboxes = new Outboxes({
      storageKey: 'drafts',
      deliver: async (_id, draft) => {
        sent.push(draft.text);
        await new Promise((resolve) => setTimeout(resolve, 1_000));
      },
    });
    const outbox = outboxes.of('conv_a');
    for (const text of ['first', 'second']) {
      outbox.write({ text });
      outbox.send();
    }
    const shown = outboxes.of('conv_b'); // Empty when cleared, its composer still on screen.
    outboxes.clear(); // The reader signs out; the page reloads once the token is revoked.
    shown.write({ text: 'third' });
    shown.send();
    await vi.advanceTimersByTimeAsync(5_000);
    win.fire('pagehide');
    expect(sent).toEqual(['first']);
    expect(storage.getItem('drafts')).toBeNull();
  });

  it('sends again by itself the messages a failed send stopped, in every conversation, once the browser is back online', async () => {
    const { outboxes, stored, goOnline } = offlineUntilToldOtherwise();
    for (const [conversationId, text] of [['conv_a', 'first'], ['conv_b', 'second']] as const) {
      outboxes.of(conversationId).write({ text });
      outboxes.of(conversationId).send();
    }
    await vi.advanceTimersByTimeAsync(0);
    expect(outboxes.of('conv_a').stalled).toBe(true);
    goOnline();
    win.fire('online');
    await vi.advanceTimersByTimeAsync(0);
    expect(stored).toEqual(['first', 'second']);
    expect(outboxes.of('conv_a').isEmpty && outboxes.of('conv_b').isEmpty).toBe(true);
  });

  it('sets a message the server refused aside, with the reason, and sends those after it: coming back online sends it no more', async () => {
    const tries: string[] = [];
    const outboxes = new Outboxes({
      storageKey: 'drafts',
      deliver: async (_id, draft) => {
        tries.push(draft.text);
        if (draft.text === 'refused') throw new ApiError(400, 'ERR_INVALID_INPUT', 'Invalid input: body.item.text', { fields: [{ path: 'body.item.text', message: 'too long' }] });
      },
    });
    const outbox = outboxes.of('conv_a');
    for (const text of ['refused', 'next']) {
      outbox.write({ text });
      outbox.send();
    }
    await vi.advanceTimersByTimeAsync(0);
    expect(tries).toEqual(['refused', 'next']);
    expect(outbox.stalled).toBe(false);
    expect(outbox.waiting).toEqual([expect.objectContaining({ text: 'refused', refusal: 'Invalid input: body.item.text (too long)' })]);
    win.fire('online');
    outboxes.retryStalled(); // the socket connected again
    await vi.advanceTimersByTimeAsync(0);
    expect(tries).toHaveLength(2);
    // Across a reload too, with its reason.
    expect(reload().of('conv_a').waiting).toEqual([expect.objectContaining({ text: 'refused', refusal: 'Invalid input: body.item.text (too long)' })]);
  });

  it('puts a refused message back in the box to edit, or discards it alone', async () => {
    const outboxes = new Outboxes({
      storageKey: 'drafts',
      deliver: async (_id, draft) => {
        if (draft.text.startsWith('refused')) throw new ApiError(409, 'ERR_INVALID_TRANSITION', 'Not now');
      },
    });
    const outbox = outboxes.of('conv_a');
    for (const text of ['refused one', 'refused two']) {
      outbox.write({ text });
      outbox.send();
    }
    await vi.advanceTimersByTimeAsync(0);
    outbox.write({ text: 'half-written' });
    outbox.edit(outbox.waiting[0]!);
    expect(outbox.writing.text).toBe('refused one\nhalf-written');
    outbox.discard(outbox.waiting[0]!);
    expect(outbox.waiting).toEqual([]);
  });

  it("says so when a refused message's file cannot come back into the box with its text", async () => {
    const outboxes = new Outboxes({
      storageKey: 'drafts',
      deliver: async () => {
        throw new ApiError(400, 'ERR_VALIDATION', 'Invalid input: body.item.text');
      },
    });
    const outbox = outboxes.of('conv_a');
    outbox.write({ text: 'refused with its file', file: new File(['log'], 'first.txt') });
    outbox.send();
    await vi.advanceTimersByTimeAsync(0);
    const other = new File(['other'], 'second.txt');
    outbox.write({ text: '', file: other });
    outbox.edit(outbox.waiting[0]!);
    expect(outbox.writing.file).toBe(other);
    expect(showNote).toHaveBeenCalledWith(expect.stringContaining('first.txt'));
  });

  it('discards only the message a failed send stopped at; the others wait for Retry', async () => {
    const { outboxes, stored, goOnline } = offlineUntilToldOtherwise();
    const outbox = outboxes.of('conv_a');
    for (const text of ['first', 'second']) {
      outbox.write({ text });
      outbox.send();
    }
    await vi.advanceTimersByTimeAsync(0);
    outbox.discard();
    expect(outbox.waiting.map((draft) => draft.text)).toEqual(['second']);
    expect(outbox.stalled).toBe(true);
    goOnline();
    outbox.retry();
    await vi.advanceTimersByTimeAsync(0);
    expect(stored).toEqual(['second']);
  });

  it('does not send text the server would refuse (too long, or nothing to read), keeping it in the box with the reason', () => {
    vi.mocked(showError).mockClear();
    const outbox = page().of('conv_a');
    const long = '😀'.repeat(10_001);
    for (const text of [long, '\u200b\u200b', 'nul:\u0000:end']) {
      outbox.write({ text });
      expect(outbox.send(), text.slice(0, 8)).toBe(false);
      expect(outbox.writing.text).toBe(text);
    }
    expect(vi.mocked(showError).mock.calls.map(([error]) => (error as Error).message)).toEqual([
      "This message can't be sent: at most 10,000 characters (this is 10,001).",
      "This message can't be sent: text is empty.",
      "This message can't be sent: no control characters (but tab and line breaks).",
    ]);
    // 10,000 emoji are 10,000 characters as the server counts them, blanks around them aside.
    outbox.write({ text: `  ${'😀'.repeat(10_000)}  ` });
    expect(outbox.send()).toBe(true);
  });

  it('never forgets messages not sent to make room, only drafts', () => {
    const unsent = (n: number) => ({ conversationId: `conv_${n}`, writing: { text: '', asNote: false }, waiting: [{ id: `item_${n}`, text: `message ${n}`, asNote: false }] });
    storage.setItem('drafts', JSON.stringify(Array.from({ length: 30 }, (_, i) => unsent(i + 1))));
    const outboxes = page();
    for (let n = 1; n <= 31; n++) outboxes.of(`draft_${n}`).write({ text: `draft ${n}` });
    const kept = reload();
    for (let n = 1; n <= 30; n++) expect(kept.of(`conv_${n}`).waiting.map((draft) => draft.text)).toEqual([`message ${n}`]);
    expect(kept.of('draft_1').writing.text).toBe('');
    expect(kept.of('draft_31').writing.text).toBe('draft 31');
  });

  it('saves a burst of typing once, and at once when the page is hidden or goes', () => {
    const outboxes = page();
    const writes = vi.spyOn(storage, 'setItem');
    const outbox = outboxes.of('conv_a');
    for (const text of ['H', 'He', 'Hel', 'Hell', 'Hello']) outbox.write({ text });
    vi.advanceTimersByTime(300);
    expect(writes).toHaveBeenCalledTimes(1);
    outbox.write({ text: 'Hello!' });
    doc.visibilityState = 'hidden';
    doc.fire('visibilitychange');
    expect(writes).toHaveBeenCalledTimes(2);
    outbox.write({ text: 'Hello!!' });
    win.fire('pagehide');
    expect(page().of('conv_a').writing.text).toBe('Hello!!');
  });

  it('leaves drafts out of storage before messages not sent when they do not fit', () => {
    const outboxes = page();
    const unsent = outboxes.of('conv_unsent');
    for (let i = 0; i < 20; i++) {
      unsent.write({ text: 'x'.repeat(10_000) }); // the longest a message may be
      unsent.send();
    }
    for (const id of ['conv_1', 'conv_2', 'conv_3']) outboxes.of(id).write({ text: 'y'.repeat(140_000) });
    vi.advanceTimersByTime(300);
    expect(stored().map((kept) => kept.conversationId)).toEqual(['conv_unsent', 'conv_2', 'conv_3']);
  });
});
