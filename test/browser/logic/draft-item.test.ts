import { describe, expect, it, vi } from 'vitest';
import { ApiError, type ApiClient, type NewItem } from '../../../web/shared/api-client';
import { deliverDraft } from '../../../web/shared/draft-item';
import { Outbox, type Draft } from '../../../web/shared/outbox';

vi.mock('../../../web/shared/toast', async (original) => ({ ...(await original<object>()), showError: vi.fn() }));

/**
 * A server that removed the upload `file_old` (never attached within FILE_UNATTACHED_HOURS): an
 * item naming it is refused as the server refuses it; uploads get `file_new`.
 */
function serverWithout(file: string) {
  const stored: NewItem[] = [];
  const uploads: string[] = [];
  const api = {
    uploadFile: async (_conversationId: string, upload: File) => {
      uploads.push(upload.name);
      return { file: { id: 'file_new' } };
    },
  } as unknown as ApiClient;
  const post = async (itemFor: () => Promise<NewItem>) => {
    const item = await itemFor();
    if (JSON.stringify(item).includes(file)) {
      throw new ApiError(400, 'ERR_INVALID_INPUT', `Unknown file ${file} for this conversation`, {
        fields: [{ path: 'body.item.parts.1.fileId', message: 'no such file in this conversation' }],
      });
    }
    stored.push(item);
  };
  return { stored, uploads, deliver: (draft: Draft, keep: () => void) => deliverDraft(api, 'conv_a', draft, keep, post) };
}

const settled = (outbox: Outbox) => vi.waitFor(() => expect(outbox.sending).toBe(false));

describe('deliverDraft', () => {
  it('uploads the file again when the server forgot it and the page still has it', async () => {
    const server = serverWithout('file_old');
    const outbox = new Outbox(server.deliver, () => undefined, {
      waiting: [{ id: 'item_1', text: 'here it is', asNote: false, file: new File(['x'], 'screen.png'), fileId: 'file_old' }],
    });
    outbox.retry();
    await settled(outbox);
    expect(server.uploads).toEqual(['screen.png']);
    expect(server.stored).toEqual([{ id: 'item_1', type: 'message', parts: [{ type: 'text', text: 'here it is' }, { type: 'file', fileId: 'file_new' }] }]);
    expect(outbox.waiting).toEqual([]);
  });

  it('puts the text of a kept message whose file the server forgot back in the box (a note stays one), on screen too, and sends those after it', async () => {
    const server = serverWithout('file_old');
    const outbox = new Outbox(server.deliver, () => undefined, {
      writing: { text: 'and more', asNote: false },
      waiting: [
        { id: 'item_1', text: 'see the attached invoice', asNote: true, fileId: 'file_old' },
        { id: 'item_2', text: 'thanks', asNote: false },
      ],
    });
    // The composer shows the box as the outbox has it when told to (it draws only the unsent line on other changes).
    const onScreen: unknown[] = [];
    outbox.show({ changed: () => undefined, settled: () => undefined, rewritten: () => onScreen.push({ ...outbox.writing }) });
    outbox.retry();
    await settled(outbox);
    expect(onScreen).toEqual([{ text: 'see the attached invoice\nand more', asNote: true }]);
    expect(outbox.writing).toEqual({ text: 'see the attached invoice\nand more', asNote: true });
    expect(outbox.waiting).toEqual([]);
    expect(outbox.stalled).toBe(false);
    expect(server.stored).toEqual([{ id: 'item_2', type: 'message', text: 'thanks' }]);
  });
});
