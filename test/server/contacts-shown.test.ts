import { describe, expect, it, vi } from 'vitest';
import { withContacts } from '../../server/services/contacts-shown';

const agent = { kind: 'agent', website: { id: 'w1' }, userId: 'agent_1' } as never;
const visitor = { kind: 'visitor', website: { id: 'w1' }, visitorId: 'v1' } as never;
const conversations = [{ id: 'c1', contactId: 'ct1' }, { id: 'c2' }];
const log = () => ({ warn: vi.fn() }) as never as { warn: ReturnType<typeof vi.fn> };

describe('withContacts', () => {
  it("shows the team each conversation's contact, read at once for the page", async () => {
    const contactSummaries = vi.fn(async () => new Map([['ct1', { id: 'ct1', externalId: 'u-1', name: 'Jane' }]]));
    const shown = await withContacts({ contactSummaries }, log() as never, agent, conversations);
    expect(shown).toEqual([{ id: 'c1', contactId: 'ct1', contact: { id: 'ct1', externalId: 'u-1', name: 'Jane' } }, { id: 'c2' }]);
    expect(contactSummaries).toHaveBeenCalledTimes(1);
    expect(contactSummaries).toHaveBeenCalledWith('w1', ['ct1']);
  });

  it('reads nothing for a visitor, and answers without the contacts when they cannot be read (the change was made already)', async () => {
    const contactSummaries = vi.fn(async () => {
      throw new Error('the store does not answer');
    });
    expect(await withContacts({ contactSummaries }, log() as never, visitor, conversations)).toEqual(conversations);
    expect(contactSummaries).not.toHaveBeenCalled();
    const logged = log();
    expect(await withContacts({ contactSummaries }, logged as never, agent, conversations)).toEqual(conversations);
    expect(logged.warn).toHaveBeenCalled();
  });
});
