import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { FixtureActivities } from '../../fixtures/workflows/activity-types';

/** How often `waitForCancel` heartbeats; well within the fixture workflow's heartbeat timeout. */
const HEARTBEAT_MS = 200;

/** The fixture workflows' activities, with knobs and observations for tests. */
export function createFixtureActivities() {
  const failuresLeft = new Map<string, number>();
  const attempts = new Map<string, number[]>();
  const cancelled = new Set<string>();
  const waiting = new Set<string>();
  const releases = new Map<string, () => void>();

  const activities: FixtureActivities = {
    async flaky(key) {
      const { attempt } = Context.current().info;
      attempts.set(key, [...(attempts.get(key) ?? []), attempt]);
      if (key.startsWith('fatal')) throw ApplicationFailure.nonRetryable(`fatal failure of ${key}`, 'Fatal');
      const left = failuresLeft.get(key) ?? 0;
      if (left > 0) {
        failuresLeft.set(key, left - 1);
        throw new Error(`flaky failure on attempt ${attempt}`);
      }
      return `${key} done on attempt ${attempt}`;
    },
    async rejectInput(key) {
      attempts.set(key, [...(attempts.get(key) ?? []), Context.current().info.attempt]);
      throw ApplicationFailure.create({ type: 'BadInput', message: `bad input ${key}` });
    },
    async failOnCancel(key) {
      waiting.add(key);
      await Context.current().cancelled.catch(() => undefined);
      throw new Error(`${key}: the store closed`);
    },
    async slowWrite(key) {
      attempts.set(key, [...(attempts.get(key) ?? []), Context.current().info.attempt]);
      await new Promise((resolve) => setTimeout(resolve, 50));
      return `${key} written`;
    },
    async held(key) {
      await new Promise<void>((release) => {
        releases.set(key, release);
        waiting.add(key);
      });
      return `${key} released`;
    },
    async waitForCancel(key) {
      waiting.add(key);
      const context = Context.current();
      try {
        // Heartbeats until cancelled (sleep rejects then): on Temporal the cancellation comes in a heartbeat's answer.
        for (;;) {
          context.heartbeat();
          await context.sleep(HEARTBEAT_MS);
        }
      } catch (err) {
        cancelled.add(key);
        throw err;
      }
    },
  };

  return {
    activities: activities as unknown as Record<string, (...args: any[]) => Promise<unknown>>,
    /** Makes `flaky(key)` fail its next `times` attempts. */
    failNext(key: string, times: number) {
      failuresLeft.set(key, times);
    },
    /** Lets `held(key)` return. */
    release(key: string) {
      releases.get(key)?.();
    },
    attemptsOf: (key: string) => attempts.get(key) ?? [],
    isWaiting: (key: string) => waiting.has(key),
    wasCancelled: (key: string) => cancelled.has(key),
  };
}

export type FixtureActivityControls = ReturnType<typeof createFixtureActivities>;
