import { describe, expect, it } from 'vitest';
import { alreadyDoneNote, assignmentRefusal, priorityRefusal } from '../../../web/inbox/already-done';
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

describe('assignmentRefusal', () => {
  const refusal = (userId: string | null, asOf: string | null, assigneeId?: string) => assignmentRefusal({ userId, asOf }, conversation(assigneeId ? { assigneeId } : {}), ME, nameOf);

  it('names who has the conversation now, the agent as "you", an id it cannot name, and an unassignment', () => {
    expect(refusal(ME, null, 'agent_sam')).toEqual({ text: 'It was assigned to Sam Park meanwhile: your choice was not applied', done: false });
    expect(refusal('usr_bo', 'agent_sam', ME)).toEqual({ text: 'It was assigned to you meanwhile: your choice was not applied', done: false });
    expect(refusal(ME, null, 'usr_gone')).toEqual({ text: 'It was assigned to usr_gone meanwhile: your choice was not applied', done: false });
    expect(refusal(ME, 'agent_sam')).toEqual({ text: 'It was unassigned meanwhile: your choice was not applied, choose again', done: false });
  });

  it('says calmly that it is done when a colleague made the same choice first', () => {
    expect(refusal('agent_sam', null, 'agent_sam')).toEqual({ text: 'Already assigned to Sam Park', done: true });
    expect(refusal(ME, null, ME)).toEqual({ text: 'Already assigned to you', done: true });
    expect(refusal(null, ME)).toEqual({ text: 'Already unassigned', done: true });
  });

  it('names who has the conversation now when the agent unassigned the person they saw, and someone else had it meanwhile', () => {
    expect(refusal(null, ME, 'agent_sam')).toEqual({ text: 'It was assigned to Sam Park meanwhile: your choice was not applied', done: false });
  });

  it('says nothing when the assignee is the one expected (the refusal had another reason)', () => {
    expect(refusal(ME, 'agent_sam', 'agent_sam')).toBeUndefined();
    expect(refusal(ME, null)).toBeUndefined();
  });
});

describe('priorityRefusal', () => {
  it('says nothing when the conversation still has the priority the agent saw (the refusal had another reason)', () => {
    expect(priorityRefusal({ chosen: 'high', asOf: 'low' }, 'low')).toBeUndefined();
  });

  it("keeps a colleague's priority set meanwhile and says so, calmly when it is the one the agent chose", () => {
    expect(priorityRefusal({ chosen: 'high', asOf: 'low' }, 'urgent')).toEqual({ text: 'The priority was set to urgent meanwhile: your choice (high) was not applied', done: false });
    expect(priorityRefusal({ chosen: 'high', asOf: 'low' }, 'high')).toEqual({ text: 'Already high priority', done: true });
  });
});
