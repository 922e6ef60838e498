import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { WorkflowTaskFailedError } from '../../../runtime/engine/errors';
import type { GlobalsState, GlobalTouch } from '../../fixtures/workflows/definitions';
import { useFixtureEngines } from './fixture-engine';

describe('EmbeddedEngine sandbox globals (shared-globals-vm.ts)', () => {
  const createEngine = useFixtureEngines();

  async function startAll(count: number) {
    const { engine, clock } = await createEngine();
    const ids = Array.from({ length: count }, () => `globals-${randomUUID()}`);
    for (const workflowId of ids) await engine.start({ workflowType: 'globalsWorkflow', workflowId, args: [] });
    const touch = (workflowId: string, touch: GlobalTouch) => engine.signal({ workflowId, signal: 'touchGlobals', args: [{ touch }] });
    const state = (workflowId: string) => engine.query<GlobalsState>({ workflowId, query: 'globalsState' });
    return { engine, clock, ids, touch, state };
  }

  it('gives each workflow its own module state and its own activation time, with activations interleaved', async () => {
    const { clock, ids, touch, state } = await startAll(3);
    for (const [i, workflowId] of [...ids, ...ids].entries()) {
      await clock.advance(1_000);
      await touch(workflowId, 'makeCacheOnce');
      expect((await state(workflowId)).now).toBe(clock.now());
      expect((await state(ids[(i + 1) % ids.length]!)).moduleEvaluations).toBe(1);
    }
  });

  it('fails the workflow task of code that replaces a builtin global; every workflow keeps the real one', async () => {
    const { engine, ids, touch, state } = await startAll(2);
    const [breaker, bystander] = ids as [string, string];
    const failure = await touch(breaker, 'replaceBuiltin').catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(WorkflowTaskFailedError);
    expect(String(failure)).toMatch(/read only property 'Date'/);
    expect((await engine.describe(breaker)).status).toBe('running');
    await touch(bystander, 'makeCacheOnce');
    expect(typeof (await state(bystander)).now).toBe('number');
  });

  it('makes a global that a workflow adds read-only: a cache made once is shared, a value written again fails that task', async () => {
    const { ids, touch, state } = await startAll(2);
    const [first, second] = ids as [string, string];
    await touch(first, 'makeCacheOnce');
    await touch(second, 'makeCacheOnce');
    expect((await state(second)).cacheId).toBe((await state(first)).cacheId);

    await touch(first, 'writeShared');
    expect((await state(first)).sharedWriter).toBeUndefined();
    await expect(touch(second, 'writeShared')).rejects.toThrow(/read only property 'fixtureWriter'/);
  });

  it('makes a symbol-keyed global a workflow adds read-only too', async () => {
    const { ids, touch, state } = await startAll(2);
    const [first, second] = ids as [string, string];
    await touch(first, 'writeSharedSymbol');
    await expect(touch(second, 'writeSharedSymbol')).rejects.toThrow(/read only property 'Symbol\(fixture.writer\)'/);
    expect((await state(first)).sharedWriter).toBeUndefined();
  });

  it('removes a global a workflow defines behind a getter and setter before another workflow runs', async () => {
    const { ids, touch, state } = await startAll(2);
    const [first, second] = ids as [string, string];
    await touch(first, 'defineSharedAccessor');
    await touch(second, 'defineSharedAccessor');
    expect((await state(second)).sharedWriter).toBeUndefined();
  });
});
