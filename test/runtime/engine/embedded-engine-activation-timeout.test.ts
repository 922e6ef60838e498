import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import type { EmbeddedEngine } from '../../../runtime/engine/embedded/embedded-engine';
import { WorkflowTaskFailedError } from '../../../runtime/engine/errors';
import { createFixtureEngine } from './fixture-engine';

describe('EmbeddedEngine activationTimeoutMs', () => {
  let engine: EmbeddedEngine | undefined;
  afterEach(() => engine?.shutdown());

  it('fails the workflow task of a runaway activation instead of blocking the process', async () => {
    // Long enough for the bundle's first evaluation, which it bounds too, on a loaded machine (200 ms was not); the loop never ends.
    ({ engine } = await createFixtureEngine({ activationTimeoutMs: 2_000 }));
    const workflowId = `runaway-${randomUUID()}`;
    await engine.start({ workflowType: 'runawayWorkflow', workflowId, args: [] });
    await expect(engine.signal({ workflowId, signal: 'spin', args: [] })).rejects.toBeInstanceOf(WorkflowTaskFailedError);
    expect((await engine.describe(workflowId)).status).toBe('running');
  });
});
