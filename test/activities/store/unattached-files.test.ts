import { Readable } from 'node:stream';
import { MongoClient } from 'mongodb';
import { describe, expect, it } from 'vitest';
import { agentAuthor, message, newConversation, useStore } from './fixtures';
import { png } from './images';

// A database of its own: the sweep looks at every file in it.
const ctx = useStore('unattached_files');

describe('Store', () => {
  describe('#deleteUnattachedFiles', () => {
    it('deletes old uploads no item names, with their chunks, and keeps the rest', async () => {
      const store = ctx.get();
      const conversationId = await newConversation(store);
      const save = (name: string) => store.saveFile(Readable.from([png(2, 2), Buffer.alloc(300 * 1024)]), { websiteId: 'web_1', conversationId, filename: name, mediaType: 'image/png', maxBytes: 1024 * 1024, uploadedBy: agentAuthor('usr_1') });
      const [sent, unsent] = await Promise.all([save('sent.png'), save('unsent.png')]);
      const { id: fileId, filename, mediaType, size } = sent;
      await store.appendItem(message(conversationId, { parts: [{ type: 'file', fileId, filename, mediaType, size, url: `/v1/files/${fileId}` }] }));
      const pause = () => new Promise((resolve) => setTimeout(resolve, 5));
      await pause();
      const cutoff = new Date();
      await pause();
      const recent = await save('recent.png');

      expect(await store.deleteUnattachedFiles(new Date(Date.now() - 60_000), 100)).toEqual({ examined: 0, deleted: 0 });
      expect(await store.deleteUnattachedFiles(cutoff, 100)).toEqual({ examined: 2, deleted: 1 });
      expect(await store.getFileInfo(unsent.id)).toBeNull();
      expect(await store.getFileInfo(sent.id)).toEqual(sent);
      expect(await store.getFileInfo(recent.id)).toEqual(recent);
      expect(await store.deleteUnattachedFiles(cutoff, 100)).toEqual({ examined: 0, deleted: 0 });

      const client = await MongoClient.connect(ctx.mongo().uri);
      try {
        const db = client.db(ctx.dbName);
        expect(await db.collection('files.chunks').countDocuments({ files_id: unsent.id })).toBe(0);
        expect(await db.collection('files.chunks').countDocuments({ files_id: sent.id })).toBe(2);
      } finally {
        await client.close();
      }
    });

    it('keeps a file marked attached (as a message names it) and refuses to attach one swept or of another conversation', async () => {
      const store = ctx.get();
      const conversationId = await newConversation(store);
      const save = (name: string) =>
        store.saveFile(Readable.from([Buffer.from('text')]), { websiteId: 'web_1', conversationId, filename: name, mediaType: 'text/plain', maxBytes: 1024, uploadedBy: agentAuthor('usr_1') });
      const [kept, swept] = await Promise.all([save('kept.txt'), save('swept.txt')]);
      expect(await store.attachFile(kept.id, conversationId)).toEqual(kept);
      expect(await store.attachFile(kept.id, 'conv_other')).toBeNull();
      await new Promise((resolve) => setTimeout(resolve, 5));
      await store.deleteUnattachedFiles(new Date(), 100);
      expect(await store.getFileInfo(kept.id)).toEqual(kept);
      expect(await store.getFileInfo(swept.id)).toBeNull();
      expect(await store.attachFile(swept.id, conversationId)).toBeNull();
    });
  });
});
