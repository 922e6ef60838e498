import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { WebsiteInfo } from '../../../web/shared/wire';
import { TeamNames } from '../../../web/widget/team-names';

const website = (humans: Array<[string, string]>, former: Array<[string, string]> = []): WebsiteInfo => ({
  id: 'web_1',
  availableHumanAgents: humans.map(([id, name]) => ({ id, name })),
  availableAIAgents: [{ id: 'ai_1', name: 'Assistant' }],
  formerAgents: former.map(([id, name]) => ({ id, name })),
  visitor: { id: 'vis_1', unreadConversationCount: 0 },
});

describe('TeamNames', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('names the team, the assistants and people removed from the bootstrap, without reading again', async () => {
    const read = vi.fn(async () => website([]));
    const names = new TeamNames(website([['usr_a', 'Alex']], [['usr_gone', 'Gone Person']]), { read, onLearnt: () => undefined });
    expect([names.get('usr_a'), names.get('ai_1'), names.get('usr_gone')]).toEqual(['Alex', 'Assistant', 'Gone Person']);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(read).not.toHaveBeenCalled();
  });

  it('reads again, once per gap, when a timeline names someone it does not know, and says when it learnt a name', async () => {
    let current = website([['usr_a', 'Alex']]);
    const read = vi.fn(async () => current);
    const learnt = vi.fn();
    const names = new TeamNames(current, { read, onLearnt: learnt, minGapMs: 10_000 });
    await vi.advanceTimersByTimeAsync(4_000);
    current = website([['usr_a', 'Alex'], ['usr_new', 'Nia']]);
    // Asked for on every render: one read, when the gap since the bootstrap has passed.
    for (let i = 0; i < 5; i += 1) expect(names.get('usr_new')).toBeUndefined();
    await vi.advanceTimersByTimeAsync(5_999);
    expect(read).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(1);
    expect(read).toHaveBeenCalledTimes(1);
    expect(learnt).toHaveBeenCalledTimes(1);
    expect(names.get('usr_new')).toBe('Nia');
    // An id nobody knows costs one read per gap, and learns nothing.
    names.get('usr_unknown');
    await vi.advanceTimersByTimeAsync(10_000);
    names.get('usr_unknown');
    await vi.advanceTimersByTimeAsync(10_000);
    expect(read).toHaveBeenCalledTimes(3);
    expect(learnt).toHaveBeenCalledTimes(1);
  });

  it('keeps the names it had when a read fails or no longer gives them', async () => {
    const read = vi.fn().mockRejectedValueOnce(new Error('offline')).mockResolvedValue(website([]));
    const names = new TeamNames(website([['usr_a', 'Alex']]), { read, onLearnt: () => undefined, minGapMs: 1_000 });
    names.get('usr_x');
    await vi.advanceTimersByTimeAsync(1_000);
    names.get('usr_x');
    await vi.advanceTimersByTimeAsync(1_000);
    expect(read).toHaveBeenCalledTimes(2);
    expect(names.get('usr_a')).toBe('Alex');
  });
});
