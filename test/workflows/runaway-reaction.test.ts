/**
 * A plugin reaction that never returns, on the embedded engine: as Temporal's worker does, the
 * engine stops the workflow task at the SDK's deadline (5 s), fails it with a log line naming the
 * workflow, records the failure in its audit trail, and goes on serving the other conversations.
 * Runs on the engine's default deadline on purpose: with none, the loop holds the thread for good.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loggerFrom } from '../../runtime/engine/logger-from';
import { ALICE, VISITOR } from './conversation/fixtures';
import { productHarness, type ProductHarness } from './support/product-harness';

describe('conversationWorkflow with a reaction that never returns', () => {
  const errors: Array<{ message: string; meta?: Record<string, unknown> }> = [];
  let h: ProductHarness;
  beforeAll(async () => {
    h = await productHarness('runaway_reaction', { logger: loggerFrom((level, message, meta) => void (level === 'ERROR' && errors.push({ message, meta }))) });
  });
  afterAll(() => h?.close());

  it("fails that conversation's workflow task at the deadline and serves the others meanwhile", { timeout: 60_000 }, async () => {
    const stuck = await h.newConversation();
    const other = await h.newConversation();
    await stuck.post(VISITOR, 'hello');
    await other.post(VISITOR, 'hello');

    const spinning = stuck.post(VISITOR, 'spin', { type: 'test.chaos', mode: 'spin' });
    const otherOperation = other.operate(ALICE, { op: 'set_priority', priority: 'high' });
    await expect(spinning).rejects.toMatchObject({ code: 'ERR_WORKFLOW_TASK_FAILED', message: expect.stringContaining('ran longer than 5000 ms') });
    expect(await otherOperation).toMatchObject({ priority: 'high' });

    expect(errors).toContainEqual({
      message: 'Workflow task failed',
      meta: expect.objectContaining({ workflowId: stuck.workflowId, error: expect.objectContaining({ message: expect.stringContaining('signal itemAdded') }) }),
    });
    const trail = await h.engine.history(stuck.workflowId);
    expect(trail.filter((entry) => entry.kind === 'workflow_task_failed')).toEqual([
      expect.objectContaining({ summary: expect.stringContaining('ran longer than 5000 ms') }),
    ]);
    // Nothing of the failed task was applied, and once its retry pause is over the conversation takes operations again.
    const later = stuck.operate(ALICE, { op: 'set_priority', priority: 'low' });
    await h.passTime(1_000);
    expect(await later).toMatchObject({ priority: 'low' });
  });
});
