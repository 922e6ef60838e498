import { request, Agent, type IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import type { RunningApp } from '../../runtime/app';
import { AGENT, Api, SocketClient, sleep, waitUntil } from './support/clients';
import { startTestApp } from './support/app';
import { recordingTeams } from './support/teams';

describe('RunningApp', () => {
  describe('#close', () => {
    it('finishes in-flight requests, tells sockets to go away and stops accepting', async () => {
      const app = await startTestApp();
      const api = new Api(app);
      const visitorId = await api.newVisitor();
      await api.call('POST', '/v1/conversations', { visitorId }, { conversationId: 'bye-1' });
      const socket = await SocketClient.open(app, AGENT);
      const closeCode = new Promise<number>((resolve) => socket.ws.on('close', (code) => resolve(code)));

      // An upload that is still streaming when shutdown starts: its first line goes at once, the rest once the shutdown began.
      const chunks = 5;
      let sent = 0;
      let shutdownBegan!: () => void;
      const goOn = new Promise<void>((resolve) => (shutdownBegan = resolve));
      const body = new ReadableStream<Uint8Array>({
        async pull(controller) {
          if (sent === chunks) return controller.close();
          if (sent > 0) await (sent === 1 ? goOn : sleep(100));
          sent += 1;
          controller.enqueue(new TextEncoder().encode('line of text\n'));
        },
      });
      // The server has the upload in hand once it streams it to the store.
      const saveFile = app.store.saveFile;
      const saving = new Promise<void>((resolve) => {
        app.store.saveFile = (...args) => {
          resolve();
          return saveFile(...args);
        };
      });
      const upload = fetch(`${app.url}/v1/files?conversationId=bye-1&filename=log.txt`, {
        method: 'POST',
        headers: { ...api.headers({ visitorId }), 'Content-Type': 'text/plain' },
        body,
        duplex: 'half',
      } as RequestInit);
      await saving;
      const closing = app.close();
      shutdownBegan();

      const answer = await upload;
      expect(answer.status).toBe(201);
      expect(answer.headers.get('connection')).toBe('close');
      expect((await answer.json()).file.size).toBe(chunks * 13);
      expect(await closeCode).toBe(1001);
      await closing;
      await expect(fetch(`${app.url}/v1/health`)).rejects.toThrow();
    });

    it('answers a request sent on a kept-alive connection as shutdown starts, then closes that connection', async () => {
      const app = await startTestApp({ shutdown: { timeoutMs: 10_000, idleGraceMs: 1_000 } });
      const agent = new Agent({ keepAlive: true, maxSockets: 1 });
      const get = () =>
        new Promise<{ res: IncomingMessage; reused: boolean; body: string }>((resolve, reject) => {
          const req = request(`${app.url}/v1/health`, { agent }, (res) => {
            let body = '';
            res.on('data', (chunk: Buffer) => (body += String(chunk)));
            res.on('end', () => resolve({ res, reused: req.reusedSocket, body }));
          });
          req.on('error', reject);
          req.end();
        });
      const first = await get();
      expect(first.res.headers.connection).toBe('keep-alive');

      const closing = app.close();
      // Sent on the idle connection in the same tick: before, shutdown reset that connection. Health
      // says the instance is going, so a load balancer probing on a kept-alive connection sends it no more.
      const second = await get();
      expect(second).toMatchObject({ reused: true, res: { statusCode: 503, headers: { connection: 'close' } } });
      expect(JSON.parse(second.body)).toMatchObject({ status: 'unavailable', reason: 'shutting down' });
      await closing;
      await expect(get()).rejects.toMatchObject({ code: 'ECONNREFUSED' });
      agent.destroy();
    });

    it('closes a connection that asks for a plain GET /ws as shutdown starts, its 426 saying Upgrade, close', async () => {
      const app = await startTestApp({ shutdown: { timeoutMs: 10_000, idleGraceMs: 5_000 } });
      const agent = new Agent({ keepAlive: true, maxSockets: 1 });
      const get = (path: string) =>
        new Promise<{ res: IncomingMessage; connection: Socket }>((resolve, reject) => {
          const req = request(`${app.url}${path}`, { agent }, (res) => {
            const connection = res.socket;
            res.resume();
            res.on('end', () => resolve({ res, connection }));
          });
          req.on('error', reject);
          req.end();
        });
      await get('/v1/health');
      const closing = app.close();
      const { res: refused, connection } = await get('/ws');
      expect([refused.statusCode, refused.headers.connection]).toEqual([426, 'Upgrade, close']);
      // Closed after its answer, well before the idle grace would close it.
      expect(await waitUntil(async () => connection.destroyed, (destroyed) => destroyed, 2_000)).toBe(true);
      await closing;
      agent.destroy();
    });

    /** An app whose team queues record what they are told, with an agent connected and told online. */
    async function appWithAgentOnline(told: string[]): Promise<RunningApp> {
      const app = await startTestApp(undefined, { teams: recordingTeams(told) });
      await SocketClient.open(app, AGENT);
      await waitUntil(async () => told.at(-1), (word) => word === `online:${AGENT.agent}`);
      return app;
    }

    it('tells the team queues its agents are away before it stops', async () => {
      const told: string[] = [];
      const app = await appWithAgentOnline(told);
      await app.close();
      expect(told).toEqual([`online:${AGENT.agent}`, `offline:${AGENT.agent}`]);
    });

    it('tells the team queues its agents are away when the store refuses its last words', async () => {
      const told: string[] = [];
      const app = await appWithAgentOnline(told);
      app.store.publishEphemeral = async () => {
        throw new Error('the store is going away');
      };
      await app.close();
      expect(told).toEqual([`online:${AGENT.agent}`, `offline:${AGENT.agent}`]);
    });
  });
});
