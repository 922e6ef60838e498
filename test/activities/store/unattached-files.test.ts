import { PassThrough, Readable } from 'node:stream';
import { Collection, MongoClient, type Db } from 'mongodb';
import { describe, expect, it, vi } from 'vitest';
import { eventually } from '../../runtime/engine/eventually';
import { openStore } from '../../../activities/store';
import { namedFailPoint, type FailPointMode } from '../../support/fail-point';
import { agentAuthor, message, newConversation, useStore } from './fixtures';
import { png } from './images';

// A database of its own: the sweep looks at every file in it.
const ctx = useStore('unattached_files');

/** `use` gets the test's database through a client of its own. */
async function withDb<T>(use: (db: Db) => Promise<T>): Promise<T> {
  const client = await MongoClient.connect(ctx.mongo().uri);
  try {
    return await use(client.db(ctx.dbName));
  } finally {
    await client.close();
  }
}

const chunksOf = (fileId: string) => withDb((db) => db.collection('files.chunks').countDocuments({ files_id: fileId }));
const unfinishedNotes = () => withDb((db) => db.collection<{ _id: string }>('files.unfinished').find().toArray());
const later = () => new Date(Date.now() + 60_000);

/** A store of its own, named, with the failCommand fail point for `command` limited to it. */
async function namedStore(command: string) {
  const point = namedFailPoint(`unfinished-files-${command}`, { commands: [command], errorCode: 2 });
  const { uri } = ctx.mongo();
  const store = await openStore({ uri: point.clientUri(uri), dbName: ctx.dbName });
  return { store, failPoint: (mode: FailPointMode) => point.set(uri, mode) };
}

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

    it('keeps a file, chunks and all, that a message attached after the sweep found it unnamed', async () => {
      const store = ctx.get();
      await store.deleteUnattachedFiles(new Date(), 100); // earlier tests' uploads: this sweep must meet only this one
      const conversationId = await newConversation(store);
      const file = await store.saveFile(Readable.from([Buffer.alloc(300 * 1024, 7)]), { websiteId: 'web_1', conversationId, filename: 'a.bin', mediaType: 'application/octet-stream', maxBytes: 1024 * 1024, uploadedBy: agentAuthor('usr_1') });
      await new Promise((resolve) => setTimeout(resolve, 5));
      // The race, made certain: the message attaches the file right after the sweep's look for an item naming it.
      const findOne = Collection.prototype.findOne;
      const spy = vi.spyOn(Collection.prototype, 'findOne').mockImplementation(async function (this: Collection, ...args: unknown[]) {
        const found = await (findOne as (...a: unknown[]) => Promise<unknown>).apply(this, args);
        if (this.collectionName === 'items') await store.attachFile(file.id, conversationId);
        return found;
      });
      try {
        expect(await store.deleteUnattachedFiles(new Date(), 100)).toEqual({ examined: 1, deleted: 0 });
      } finally {
        spy.mockRestore();
      }
      expect(await store.getFileInfo(file.id)).toEqual(file);
      expect(await chunksOf(file.id)).toBe(2);
      // Its note is left (another sweep's deletion could have been under way), and the next sweep drops it: the file is whole.
      expect(await store.deleteUnfinishedFiles(later(), 100)).toEqual({ examined: 1, deleted: 0 });
      expect(await unfinishedNotes()).toEqual([]);
      expect(await chunksOf(file.id)).toBe(2);
    });
  });

  describe('#deleteUnfinishedFiles', () => {
    it('deletes the chunks of an upload its process never finished, once noted before the cutoff', async () => {
      const store = ctx.get();
      const conversationId = await newConversation(store);
      const done = await store.saveFile(Readable.from([Buffer.from('whole')]), { websiteId: 'web_1', conversationId, filename: 'done.txt', mediaType: 'text/plain', maxBytes: 1024, uploadedBy: agentAuthor('usr_1') });
      expect(await unfinishedNotes()).toEqual([]); // a finished upload leaves no note

      const source = new PassThrough();
      const saving = store.saveFile(source, { websiteId: 'web_1', conversationId, filename: 'cut.bin', mediaType: 'application/octet-stream', maxBytes: 10 * 1024 * 1024, uploadedBy: agentAuthor('usr_1') });
      saving.catch(() => {});
      source.write(Buffer.alloc(300 * 1024, 1)); // more than a GridFS chunk: one is stored
      const [note] = await eventually(async () => {
        const notes = await unfinishedNotes();
        expect(notes).toHaveLength(1);
        expect(await chunksOf(notes[0]!._id)).toBe(1);
        return notes;
      });
      // As if its process had died here: the upload is never ended nor aborted.
      expect(await store.deleteUnfinishedFiles(new Date(Date.now() - 60_000), 100)).toEqual({ examined: 0, deleted: 0 });
      expect(await store.deleteUnfinishedFiles(later(), 100)).toEqual({ examined: 1, deleted: 1 });
      expect(await chunksOf(note!._id)).toBe(0);
      expect(await unfinishedNotes()).toEqual([]);
      expect(await store.getFileInfo(done.id)).toEqual(done);
      expect(await chunksOf(done.id)).toBe(1);

      source.destroy(new Error('the client went away'));
      await expect(saving).rejects.toThrow('the client went away');
    });

    it('finishes a deletion that stopped after the files document, and keeps a file a deletion never reached', async () => {
      const store = ctx.get();
      const conversationId = await newConversation(store);
      const save = (name: string) => store.saveFile(Readable.from([Buffer.alloc(300 * 1024, 3)]), { websiteId: 'web_1', conversationId, filename: name, mediaType: 'application/octet-stream', maxBytes: 1024 * 1024, uploadedBy: agentAuthor('usr_1') });
      const [cut, untouched] = await Promise.all([save('cut.bin'), save('untouched.bin')]);
      // What the sweep's deletion leaves when its process dies between the files document and the chunks.
      await withDb(async (db) => {
        await db.collection<{ _id: string; since: Date }>('files.unfinished').insertMany([
          { _id: cut.id, since: new Date() },
          { _id: untouched.id, since: new Date() },
        ]);
        await db.collection<{ _id: string }>('files.files').deleteOne({ _id: cut.id });
      });
      expect(await store.deleteUnfinishedFiles(later(), 100)).toEqual({ examined: 2, deleted: 1 });
      expect(await chunksOf(cut.id)).toBe(0);
      expect(await chunksOf(untouched.id)).toBe(2);
      expect(await store.getFileInfo(untouched.id)).toEqual(untouched);
      expect(await unfinishedNotes()).toEqual([]);
    });

    it('is noted before a deletion begins, so a failure during it leaves the sweep a note', async ({ skip }) => {
      await ctx.get().deleteUnattachedFiles(new Date(), 100); // earlier tests' uploads: this sweep must meet only this one
      const { store, failPoint } = await namedStore('delete');
      try {
        const conversationId = await newConversation(store);
        const file = await store.saveFile(Readable.from([Buffer.from('text')]), { websiteId: 'web_1', conversationId, filename: 'f.txt', mediaType: 'text/plain', maxBytes: 1024, uploadedBy: agentAuthor('usr_1') });
        await new Promise((resolve) => setTimeout(resolve, 5));
        if (!(await failPoint({ times: 1 }))) skip('this MongoDB has no test commands (enableTestCommands)');
        await expect(store.deleteUnattachedFiles(new Date(), 100)).rejects.toThrow();
        expect(await unfinishedNotes()).toEqual([{ _id: file.id, since: expect.any(Date) }]);
        // The file is whole: the note is dropped and the file kept, for the next sweep of unattached uploads to delete.
        expect(await store.deleteUnfinishedFiles(later(), 100)).toEqual({ examined: 1, deleted: 0 });
        expect(await store.getFileInfo(file.id)).toEqual(file);
        expect(await store.deleteUnattachedFiles(new Date(), 100)).toEqual({ examined: 1, deleted: 1 });
        expect(await chunksOf(file.id)).toBe(0);
      } finally {
        await failPoint('off').catch(() => {});
        await store.close();
      }
    });

    it('is kept by an upload whose chunk could not be written, even once aborted (another insert may still land)', async ({ skip }) => {
      const { store, failPoint } = await namedStore('insert');
      try {
        const conversationId = await newConversation(store);
        const source = new PassThrough();
        const saving = store.saveFile(source, { websiteId: 'web_1', conversationId, filename: 'f.bin', mediaType: 'application/octet-stream', maxBytes: 10 * 1024 * 1024, uploadedBy: agentAuthor('usr_1') });
        saving.catch(() => {});
        source.write(Buffer.alloc(1024, 1)); // less than a GridFS chunk: noted, nothing inserted yet
        const [note] = await eventually(async () => {
          const notes = await unfinishedNotes();
          expect(notes).toHaveLength(1);
          return notes;
        });
        if (!(await failPoint({ times: 1 }))) skip('this MongoDB has no test commands (enableTestCommands)');
        source.write(Buffer.alloc(300 * 1024, 1)); // fills a chunk to insert: refused
        await expect(saving).rejects.toThrow();
        expect(await unfinishedNotes()).toEqual([note]);
        expect(await store.deleteUnfinishedFiles(later(), 100)).toEqual({ examined: 1, deleted: 0 }); // the abort got the chunks
        expect(await unfinishedNotes()).toEqual([]);
      } finally {
        await failPoint('off').catch(() => {});
        await store.close();
      }
    });

    it('is not left by an upload refused for its size, its type or its emptiness', async () => {
      const store = ctx.get();
      const conversationId = await newConversation(store);
      const upload = { websiteId: 'web_1', conversationId, filename: 'x.png', mediaType: 'image/png', maxBytes: 100 * 1024, uploadedBy: agentAuthor('usr_1') };
      await expect(store.saveFile(Readable.from([png(2, 2), Buffer.alloc(300 * 1024)]), upload)).rejects.toMatchObject({ code: 'ERR_PAYLOAD_TOO_LARGE' });
      await expect(store.saveFile(Readable.from([Buffer.from('<html>not a picture</html>')]), upload)).rejects.toMatchObject({ code: 'ERR_UNSUPPORTED_MEDIA_TYPE' });
      await expect(store.saveFile(Readable.from([]), upload)).rejects.toMatchObject({ code: 'ERR_INVALID_INPUT' });
      expect(await unfinishedNotes()).toEqual([]);
    });
  });
});
