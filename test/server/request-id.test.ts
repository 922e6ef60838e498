/** A request's id: on its answer and on every line its handling logs, as on its access line. */
import type { AddressInfo } from 'node:net';
import express from 'express';
import { afterAll, describe, expect, it } from 'vitest';
import { errorHandler } from '../../server/middleware/errors';
import { requestIds } from '../../server/middleware/request-id';
import { recordingLog } from '../support/log-lines';

const { log, lines } = recordingLog('info');
const app = express();
// As the server's default TRUST_PROXY: the test's requests come from a trusted proxy's address.
app.set('trust proxy', 'loopback');
app.use(requestIds(app, log));
app.get('/fails', () => {
  throw new Error('a fault of the server');
});
app.get('/logs', (req, res) => {
  req.log.info('working on it');
  res.json({ ok: true });
});
app.use(errorHandler());
const server = app.listen(0, '127.0.0.1');
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
const url = (path: string) => `http://127.0.0.1:${(server.address() as AddressInfo).port}${path}`;

describe('requestIds', () => {
  it('puts the request id on the error line of a request that failed, as on its answer', async () => {
    const res = await fetch(url('/fails'), { headers: { 'X-Request-Id': 'lb-42' } });
    expect(res.status).toBe(500);
    expect(res.headers.get('x-request-id')).toBe('lb-42');
    expect(lines.filter((line) => line.msg === 'request failed')).toEqual([expect.objectContaining({ level: 50, requestId: 'lb-42', path: '/fails' })]);
  });

  it("makes its own id for a request whose X-Request-Id comes from a peer that is no trusted proxy (a client's)", async () => {
    const direct = express();
    direct.set('trust proxy', false);
    direct.use(requestIds(direct, log));
    direct.get('/logs', (_req, res) => res.json({ ok: true }));
    const other = direct.listen(0, '127.0.0.1');
    try {
      await new Promise((resolve) => other.once('listening', resolve));
      const res = await fetch(`http://127.0.0.1:${(other.address() as AddressInfo).port}/logs`, { headers: { 'X-Request-Id': 'someone-elses-id' } });
      expect(res.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    } finally {
      await new Promise<void>((resolve) => other.close(() => resolve()));
    }
  });

  it('gives req.log to handlers, its lines carrying the id made for a request that came without one', async () => {
    const res = await fetch(url('/logs'));
    const made = res.headers.get('x-request-id');
    expect(made).toMatch(/^[0-9a-f-]{36}$/);
    expect(lines.filter((line) => line.msg === 'working on it')).toEqual([expect.objectContaining({ requestId: made })]);
  });
});
