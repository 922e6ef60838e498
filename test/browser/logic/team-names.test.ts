import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { WebsiteInfo } from '../../../web/shared/wire';
import { TeamNames } from '../../../web/widget/team-names';

const website: WebsiteInfo = {
  id: 'web_1',
  availableHumanAgents: [{ id: 'usr_a', name: 'Alex' }],
  availableAIAgents: [{ id: 'ai_1', name: 'Assistant' }],
  visitor: { id: 'vis_1', unreadConversationCount: 0 },
};

/** A server that names these people, recording what it was asked. */
function server(known: Record<string, string>) {
  const asked: string[][] = [];
  const read = vi.fn(async (ids: string[]) => {
    asked.push(ids);
    return ids.filter((id) => id in known).map((id) => ({ id, name: known[id]! }));
  });
  return { read, asked };
}

describe('TeamNames', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('names the team and the assistants from the bootstrap, asking nothing', async () => {
    const { read } = server({});
    const names = new TeamNames(website, { read, onLearnt: () => undefined });
    expect([names.get('usr_a'), names.get('ai_1')]).toEqual(['Alex', 'Assistant']);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(read).not.toHaveBeenCalled();
  });

  it('asks for the ids a timeline names that it does not know, together, and says when it learnt names', async () => {
    const { read, asked } = server({ usr_new: 'Nia', usr_gone: 'Gone Person' });
    const learnt = vi.fn();
    const names = new TeamNames(website, { read, onLearnt: learnt });
    // Asked for on every render of the timeline: one read for all of them.
    for (let i = 0; i < 3; i += 1) expect([names.get('usr_new'), names.get('usr_gone'), names.get('usr_nobody')]).toEqual([undefined, undefined, undefined]);
    await vi.advanceTimersByTimeAsync(100);
    expect(asked).toEqual([['usr_new', 'usr_gone', 'usr_nobody']]);
    expect(learnt).toHaveBeenCalledTimes(1);
    expect([names.get('usr_new'), names.get('usr_gone')]).toEqual(['Nia', 'Gone Person']);
  });

  it('asks again for an id the server did not name only once the gap has passed', async () => {
    const { read, asked } = server({});
    const learnt = vi.fn();
    const names = new TeamNames(website, { read, onLearnt: learnt, minGapMs: 10_000 });
    names.get('usr_nobody');
    await vi.advanceTimersByTimeAsync(100);
    for (let i = 0; i < 5; i += 1) names.get('usr_nobody');
    await vi.advanceTimersByTimeAsync(9_000);
    expect(asked).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1_000);
    names.get('usr_nobody');
    await vi.advanceTimersByTimeAsync(100);
    expect(asked).toHaveLength(2);
    expect(learnt).not.toHaveBeenCalled();
  });

  it('asks again a gap after a read failed, by itself, and reads at most 50 ids at a time', async () => {
    const read = vi.fn().mockRejectedValueOnce(new Error('offline')).mockResolvedValue([{ id: 'usr_x', name: 'X' }]);
    const learnt = vi.fn();
    const names = new TeamNames(website, { read, onLearnt: learnt, minGapMs: 1_000 });
    names.get('usr_x');
    await vi.advanceTimersByTimeAsync(100);
    expect(read).toHaveBeenCalledTimes(1);
    // Asked again a gap after the failure, with nothing asking for it meanwhile; the page then renders the name.
    await vi.advanceTimersByTimeAsync(900);
    expect(read).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(100);
    expect(read).toHaveBeenCalledTimes(2);
    expect(learnt).toHaveBeenCalledTimes(1);
    expect(names.get('usr_x')).toBe('X');
    const many = Array.from({ length: 70 }, (_, i) => `usr_${i}`);
    for (const id of many) names.get(id);
    await vi.advanceTimersByTimeAsync(200);
    expect(read.mock.calls.slice(-2).map(([ids]) => (ids as string[]).length)).toEqual([50, 20]);
  });
});
