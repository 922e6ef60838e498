import { describe, expect, it } from 'vitest';
import { LateEngine } from '../../../runtime/engine/late-engine';
import type { WorkflowEngine } from '../../../runtime/engine/workflow-engine';

describe('LateEngine', () => {
  it('lets calls made before the engine exists wait for it, and later ones have it at once', async () => {
    const late = new LateEngine();
    const engine = { name: 'the engine' } as unknown as WorkflowEngine;
    let early: WorkflowEngine | undefined;
    const waiting = late.get().then((got) => (early = got));
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(early).toBeUndefined();
    late.set(engine);
    await waiting;
    expect(early).toBe(engine);
    expect(await late.get()).toBe(engine);
  });

  it('fails the calls waiting, and later ones, when the engine could not be created', async () => {
    const late = new LateEngine();
    const waiting = late.get();
    late.fail(new Error('journal unreadable'));
    await expect(waiting).rejects.toThrow('journal unreadable');
    await expect(late.get()).rejects.toThrow('journal unreadable');
  });
});
