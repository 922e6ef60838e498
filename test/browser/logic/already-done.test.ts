import { describe, expect, it } from 'vitest';
import { alreadyDoneNote, reassignedMeanwhileNote } from '../../../web/inbox/already-done';
import { conversation } from './items';

const ME = 'agent_alex';
const nameOf = (id: string) => ({ agent_sam: 'Sam Park' })[id];

describe('alreadyDoneNote', () => {
  it('names who resolved the conversation first, the agent themselves as "you", and nobody it does not know', () => {
    const resolvedBy = (id: string) => conversation({ status: 'resolved', resolvedBy: id });
    expect(alreadyDoneNote('resolved', resolvedBy('agent_sam'), ME, nameOf)).toBe('Already resolved by Sam Park');
    expect(alreadyDoneNote('resolved', resolvedBy(ME), ME, nameOf)).toBe('Already resolved by you');
    expect(alreadyDoneNote('resolved', resolvedBy('lifecycle'), ME, nameOf)).toBe('Already resolved');
    expect(alreadyDoneNote('open', conversation({ status: 'open' }), ME, nameOf)).toBe('Already reopened');
  });

  it('has no note while the conversation is not as asked: the refusal was for something else', () => {
    expect(alreadyDoneNote('resolved', conversation({ status: 'open' }), ME, nameOf)).toBeUndefined();
    expect(alreadyDoneNote('open', conversation({ status: 'resolved' }), ME, nameOf)).toBeUndefined();
  });
});

describe('reassignedMeanwhileNote', () => {
  it('names who has the conversation now, the agent as "you", an id it cannot name, and an unassignment', () => {
    expect(reassignedMeanwhileNote(null, conversation({ assigneeId: 'agent_sam' }), ME, nameOf)).toBe('It was assigned to Sam Park meanwhile: your choice was not applied');
    expect(reassignedMeanwhileNote('agent_sam', conversation({ assigneeId: ME }), ME, nameOf)).toBe('It was assigned to you meanwhile: your choice was not applied');
    expect(reassignedMeanwhileNote(null, conversation({ assigneeId: 'usr_gone' }), ME, nameOf)).toBe('It was assigned to usr_gone meanwhile: your choice was not applied');
    expect(reassignedMeanwhileNote('agent_sam', conversation({}), ME, nameOf)).toBe('It was unassigned meanwhile: your choice was not applied, choose again');
  });

  it('says nothing when the assignee is the one expected (the refusal had another reason)', () => {
    expect(reassignedMeanwhileNote('agent_sam', conversation({ assigneeId: 'agent_sam' }), ME, nameOf)).toBeUndefined();
    expect(reassignedMeanwhileNote(null, conversation({}), ME, nameOf)).toBeUndefined();
  });
});
