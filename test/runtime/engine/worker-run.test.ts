import { describe, expect, it, vi } from 'vitest';
import { runWorker } from '../../../runtime/engine/worker-run';

/** A Worker whose run ends as the test says. */
function fakeWorker() {
  let end!: { resolve(): void; reject(err: unknown): void };
  const run = new Promise<void>((resolve, reject) => (end = { resolve, reject }));
  return { worker: { run: () => run }, end };
}

describe('runWorker', () => {
  it('tells onFailed of a Worker that fails by itself, and the run then resolves', async () => {
    const { worker, end } = fakeWorker();
    const onFailed = vi.fn();
    const run = runWorker(worker, onFailed, () => false);
    const fatal = new Error('poller failed');
    end.reject(fatal);
    await expect(run).resolves.toBeUndefined();
    expect(onFailed).toHaveBeenCalledWith(fatal);
  });

  it('rejects with a failure during shutdown instead, for the shutdown to report', async () => {
    const { worker, end } = fakeWorker();
    const onFailed = vi.fn();
    const run = runWorker(worker, onFailed, () => true);
    end.reject(new Error('drain failed'));
    await expect(run).rejects.toThrow('drain failed');
    expect(onFailed).not.toHaveBeenCalled();
  });

  it('resolves, telling nothing, when the Worker stops', async () => {
    const { worker, end } = fakeWorker();
    const onFailed = vi.fn();
    const run = runWorker(worker, onFailed, () => true);
    end.resolve();
    await expect(run).resolves.toBeUndefined();
    expect(onFailed).not.toHaveBeenCalled();
  });
});
