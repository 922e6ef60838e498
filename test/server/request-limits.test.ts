/** What the per-IP and per-visitor limits of REST calls cover, and what they leave alone. */
import { afterEach, describe, expect, it } from 'vitest';
import type { RunningApp } from '../../runtime/app';
import { startTestApp, type LimitOverrides } from './support/app';

let app: RunningApp | undefined;

afterEach(async () => {
  await app?.close();
  app = undefined;
});

async function started(limits: LimitOverrides): Promise<RunningApp> {
  app = await startTestApp(limits);
  return app;
}

/** The statuses of `count` GETs of `path`, one after the other. */
async function statuses(running: RunningApp, path: string, count: number, headers: Record<string, string> = {}): Promise<number[]> {
  const answered: number[] = [];
  for (let i = 0; i < count; i++) {
    const res = await fetch(`${running.url}${path}`, { headers });
    await res.arrayBuffer();
    answered.push(res.status);
  }
  return answered;
}

describe('per-IP limit', () => {
  it('leaves health probes alone, so a load balancer sharing an IP with the traffic still sees the instance up', async () => {
    const running = await started({ ipRate: { perSecond: 0.01, burst: 10 } });
    expect(await statuses(running, '/v1/health', 15)).toEqual(Array(15).fill(200));
    expect(await statuses(running, '/v1/websites', 11)).toEqual([...Array(10).fill(401), 429]);
  });
});
