/** Uploads that no message names are deleted once they are older than the configured time. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningApp } from '../../runtime/app';
import { sweepUnattachedFiles } from '../../server/services/unattached-files';
import { eventually } from '../runtime/engine/eventually';
import { Api } from './support/clients';
import { startTestApp } from './support/app';
import { recordingLog } from '../support/log-lines';

let app: RunningApp;
let api: Api;
let visitor: { visitorId: string };

beforeAll(async () => {
  app = await startTestApp({ fileUnattachedMs: 400, fileMediaTypes: ['text/plain'] });
  api = new Api(app);
  visitor = { visitorId: (await api.call('GET', '/v1/websites', { 'X-Public-Key': app.keys.publicKey })).body.visitor.id };
  await api.call('POST', '/v1/conversations', visitor, { conversationId: 'ua-1' });
});
afterAll(async () => {
  await app?.close();
});

const upload = async (filename: string): Promise<string> => {
  const res = await api.call('POST', `/v1/files?conversationId=ua-1&filename=${filename}`, visitor, 'some text', { 'Content-Type': 'text/plain' });
  expect(res.status).toBe(201);
  return res.body.file.id;
};
const statusOf = async (fileId: string) => (await api.call('GET', `/v1/files/${fileId}`, visitor)).status;

describe('sweepUnattachedFiles', () => {
  it('works through batches until one is not full, also when a batch deleted nothing, for uploads no message named and then for interrupted ones', async () => {
    const batches = [
      { examined: 100, deleted: 0 },
      { examined: 100, deleted: 3 },
      { examined: 7, deleted: 7 },
    ];
    const interrupted = [
      { examined: 100, deleted: 100 },
      { examined: 2, deleted: 1 },
    ];
    const cutoffs: Record<string, number[]> = { unattached: [], unfinished: [] };
    const store = {
      deleteUnattachedFiles: async (before: Date) => (cutoffs.unattached!.push(Date.now() - before.getTime()), batches.shift() ?? { examined: 0, deleted: 0 }),
      deleteUnfinishedFiles: async (before: Date) => (cutoffs.unfinished!.push(Date.now() - before.getTime()), interrupted.shift() ?? { examined: 0, deleted: 0 }),
    };
    const { lines, log } = recordingLog();
    const sweeper = sweepUnattachedFiles(store, 400, log);
    await eventually(() => expect(lines).toHaveLength(2), { intervalMs: 20 });
    await sweeper.stop();
    expect(lines.map(({ msg, deleted }) => [msg, deleted])).toEqual([
      ['deleted uploads that no message named', 10],
      ['deleted the chunks of uploads or deletions a crash interrupted', 101],
    ]);
    expect(batches).toEqual([]);
    expect(interrupted).toEqual([]);
    // Uploads as old as the keeping time; interrupted ones also older than any upload still under way.
    for (const age of cutoffs.unattached!) expect(age).toBeGreaterThanOrEqual(400);
    for (const age of cutoffs.unfinished!) expect(age).toBeGreaterThanOrEqual(600_000);
  });

  it('sweeps interrupted uploads when deleting unattached ones keeps failing', async () => {
    const store = {
      deleteUnattachedFiles: async () => Promise.reject(new Error('the store refuses')),
      deleteUnfinishedFiles: async () => ({ examined: 1, deleted: 1 }),
    };
    const { lines, log } = recordingLog();
    const sweeper = sweepUnattachedFiles(store, 400, log);
    await eventually(() => expect(lines.map((line) => line.msg)).toContain('deleted the chunks of uploads or deletions a crash interrupted'), { intervalMs: 20 });
    await sweeper.stop();
    expect(lines[0]).toMatchObject({ msg: 'deleting uploads that no message named failed; the next sweep tries again', err: { message: 'the store refuses' } });
  });
});

describe('uploads no message names', () => {
  it('are deleted after FILE_UNATTACHED_HOURS; files a message carries stay', async () => {
    const [sent, unsent] = await Promise.all([upload('sent.txt'), upload('unsent.txt')]);
    const message = await api.call('POST', '/v1/messages', visitor, { conversationId: 'ua-1', item: { type: 'message', parts: [{ type: 'file', fileId: sent }] } });
    expect(message.status).toBe(201);
    expect(await statusOf(unsent)).toBe(200);

    await eventually(async () => expect(await statusOf(unsent)).toBe(404), { intervalMs: 100 });
    expect(await statusOf(sent)).toBe(200);
    // Naming a deleted upload afterwards is refused, not stored with a dead link.
    const late = await api.call('POST', '/v1/messages', visitor, { conversationId: 'ua-1', item: { type: 'message', parts: [{ type: 'file', fileId: unsent }] } });
    expect(late.status).toBe(400);
  });
});
